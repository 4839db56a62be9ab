using RandCond.Metrics;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Metrics;

public class FrechetDistanceTests
{
    private static Tensor Vector(params double[] values) => Torch.FromArray(values);
    private static Tensor Diag(double[] values) => Torch.Op("aten::diag", "", Torch.FromArray(values));

    private static double ClosedFormDiagonal(double[] mu1, double[] a, double[] mu2, double[] b) =>
        mu1.Zip(mu2, (x, y) => (x - y) * (x - y)).Sum() + a.Zip(b, (x, y) => Math.Pow(Math.Sqrt(x) - Math.Sqrt(y), 2)).Sum();

    /// <summary>A random orthogonal matrix: the eigenvectors of a random symmetric one.</summary>
    private static Tensor RandomRotation(long d, Generator g)
    {
        using var scope = Torch.NewDisposeScope();
        var m = Torch.Randn([d, d], g, DType.Float64);
        var (_, vectors) = Linalg.Eigh(m + m.T);
        return vectors.MoveToOuterScope();
    }

    private static Tensor RandomSpd(long d, Generator g, double ridge = 0.1)
    {
        using var scope = Torch.NewDisposeScope();
        var b = Torch.Randn([d, d], g, DType.Float64);
        return (b.MatMul(b.T) + Torch.Eye(d, DType.Float64) * ridge).MoveToOuterScope();
    }

    [Fact]
    public void DistanceOfASetToItselfIsZero()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(1);
        var features = Torch.Randn([400, 24], g).MatMul(Torch.Randn([24, 24], g)) + 3.0;
        using var stats = FeatureStatistics.FromFeatures(features);
        double trace = Torch.Op("aten::trace", "", stats.Covariance).Item();
        Assert.True(trace > 1, "the test needs a non-trivial covariance");
        Assert.InRange(FrechetDistance.Compute(stats, stats), -1e-8 * trace, 1e-8 * trace);
    }

    [Fact]
    public void DiagonalGaussiansMatchTheClosedFormExactly()
    {
        using var scope = Torch.NewDisposeScope();
        double[] mu1 = [0.5, -1, 2, 0, 3], mu2 = [1, 1, -2, 0.25, 3];
        double[] a = [1, 4, 0.25, 2, 9], b = [4, 1, 0.25, 0.5, 1e-3];
        double expected = ClosedFormDiagonal(mu1, a, mu2, b);
        double fd = FrechetDistance.Compute(Vector(mu1), Diag(a), Vector(mu2), Diag(b));
        Assert.Equal(expected, fd, expected * 1e-9);
    }

    [Fact]
    public void RotatedGaussiansKeepTheClosedForm()
    {
        // Rotating both Gaussians by one orthogonal Q changes neither distance: the covariances are full
        // matrices now, but the answer is still the diagonal closed form.
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(2);
        const int d = 12;
        var mu1 = Torch.Randn([d], g, DType.Float64).ToArray<double>();
        var mu2 = Torch.Randn([d], g, DType.Float64).ToArray<double>();
        var a = (Torch.Rand([d], g, DType.Float64) * 4.0 + 0.01).ToArray<double>();
        var b = (Torch.Rand([d], g, DType.Float64) * 4.0 + 0.01).ToArray<double>();
        var q = RandomRotation(d, g);
        var s1 = q.MatMul(Diag(a)).MatMul(q.T);
        var s2 = q.MatMul(Diag(b)).MatMul(q.T);
        double fd = FrechetDistance.Compute(q.MatMul(Vector(mu1)), s1, q.MatMul(Vector(mu2)), s2);
        double expected = ClosedFormDiagonal(mu1, a, mu2, b);
        Assert.Equal(expected, fd, expected * 1e-6);
    }

    [Fact]
    public void SampleStatisticsApproachTheClosedForm()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(3);
        double[] mu1 = [0, 1, -1, 2], mu2 = [1, 1, 0, 0];
        double[] a = [1, 4, 0.25, 2], b = [2, 1, 1, 0.5];
        const int n = 40_000;
        var x = Torch.Randn([n, 4], g, DType.Float64) * Vector(a).Sqrt() + Vector(mu1);
        var y = Torch.Randn([n, 4], g, DType.Float64) * Vector(b).Sqrt() + Vector(mu2);
        using var sx = FeatureStatistics.FromFeatures(x);
        using var sy = FeatureStatistics.FromFeatures(y);
        double expected = ClosedFormDiagonal(mu1, a, mu2, b);
        Assert.Equal(expected, FrechetDistance.Compute(sx, sy), expected * 0.03);
    }

    [Fact]
    public void DistanceIsSymmetric()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(4);
        var (mu1, mu2) = (Torch.Randn([16], g, DType.Float64), Torch.Randn([16], g, DType.Float64));
        var (s1, s2) = (RandomSpd(16, g), RandomSpd(16, g));
        double ab = FrechetDistance.Compute(mu1, s1, mu2, s2);
        double ba = FrechetDistance.Compute(mu2, s2, mu1, s1);
        Assert.True(ab > 1);
        Assert.Equal(ab, ba, ab * 1e-9);
    }

    [Fact]
    public void SymmetricSqrtSquaresBackToTheInput()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(5);
        var spd = RandomSpd(20, g);
        var root = FrechetDistance.SymmetricSqrt(spd);
        double scale = spd.Abs().Max().Item();
        Assert.True((root.MatMul(root) - spd).Abs().Max().Item() < 1e-10 * scale);
        Assert.True((root - root.T).Abs().Max().Item() < 1e-12 * scale);
        Assert.True(Linalg.Eigh(root).Eigenvalues.Min().Item() > 0);

        // Rank-deficient (as the covariance of fewer samples than features): rounding makes tiny negative
        // eigenvalues, which are clamped, and the root still squares back.
        var b = Torch.Randn([20, 5], g, DType.Float64);
        var singular = b.MatMul(b.T);
        var singularRoot = FrechetDistance.SymmetricSqrt(singular);
        Assert.False(double.IsNaN(singularRoot.Sum().Item()));
        Assert.True((singularRoot.MatMul(singularRoot) - singular).Abs().Max().Item() < 1e-7 * singular.Abs().Max().Item());
    }

    [Fact]
    public void StatisticsRoundTripThroughSafetensorsAndRefuseForeignClassifiers()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(6);
        using var stats = FeatureStatistics.FromFeatures(Torch.Randn([50, 8], g), "abc");
        var path = Path.Combine(Path.GetTempPath(), $"rc-stats-{Guid.NewGuid():N}.safetensors");
        try
        {
            stats.Save(path);
            using var loaded = FeatureStatistics.Load(path);
            Assert.Equal(50, loaded.Count);
            Assert.Equal("abc", loaded.ClassifierFingerprint);
            Assert.Equal(DType.Float64, loaded.Mean.DType);
            Assert.Equal(stats.Mean.ToArray<double>(), loaded.Mean.ToArray<double>());
            Assert.Equal(stats.Covariance.ToArray<double>(), loaded.Covariance.ToArray<double>());
            using var other = FeatureStatistics.FromFeatures(Torch.Randn([50, 8], g), "xyz");
            Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(loaded, other));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        using var scope = Torch.NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
            FrechetDistance.Compute(Torch.Zeros([3], DType.Float64), Torch.Eye(3, DType.Float64), Torch.Zeros([4], DType.Float64), Torch.Eye(4, DType.Float64)));
        Assert.Contains("shapes disagree", e.Message);
    }
}
