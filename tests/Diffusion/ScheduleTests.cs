using RandCond.Diffusion;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Diffusion;

public class ScheduleTests
{
    private static void AssertDecreasing(IReadOnlyList<double> ab)
    {
        for (int t = 1; t < ab.Count; t++) Assert.True(ab[t] < ab[t - 1], $"ab[{t}] = {ab[t]} is not below ab[{t - 1}] = {ab[t - 1]}");
        Assert.All(ab, v => Assert.InRange(v, 0.0, 1.0));
    }

    [Fact]
    public void LinearScheduleMatchesDdpm()
    {
        using var s = NoiseSchedule.Linear(1000);
        Assert.Equal(1000, s.Steps);
        Assert.Equal(1e-4, s.Betas[0], 15);
        Assert.Equal(0.02, s.Betas[999], 15);
        Assert.Equal(1 - s.Betas[0], s.AlphaBars[0], 15);
        AssertDecreasing(s.AlphaBars);
        // The well-known value of DDPM's linear schedule at its last step.
        Assert.InRange(s.AlphaBars[999], 4.0e-5, 4.1e-5);
        for (int t = 1; t < 1000; t++) Assert.Equal(s.AlphaBars[t - 1] * s.Alphas[t], s.AlphaBars[t], 14);
    }

    [Fact]
    public void ScaledLinearIsLinearInSquareRoot()
    {
        using var s = NoiseSchedule.ScaledLinear(1000);
        Assert.Equal(0.00085, s.Betas[0], 14);
        Assert.Equal(0.012, s.Betas[999], 14);
        Assert.Equal((Math.Sqrt(0.00085) + Math.Sqrt(0.012)) / 2, (Math.Sqrt(s.Betas[499]) + Math.Sqrt(s.Betas[500])) / 2, 12);
        AssertDecreasing(s.AlphaBars);
        // Stable Diffusion's final ab (its known non-zero terminal SNR).
        Assert.InRange(s.AlphaBars[999], 0.0046, 0.0047);
    }

    [Fact]
    public void CosineScheduleReachesNoiseWithClippedBetas()
    {
        using var s = NoiseSchedule.Cosine(1000);
        AssertDecreasing(s.AlphaBars);
        Assert.Equal(1 - s.Betas[0], s.AlphaBars[0], 15);
        Assert.True(s.AlphaBars[0] > 0.9999, $"ab_0 = {s.AlphaBars[0]}");
        Assert.True(s.AlphaBars[999] < 1e-6, $"ab_T-1 = {s.AlphaBars[999]}");
        Assert.All(s.Betas, b => Assert.True(b <= 0.999));
        Assert.Equal(0.999, s.Betas[999], 12);
        // Away from the clip, ab follows cos^2 exactly.
        double F(double t) => Math.Pow(Math.Cos((t / 1000 + 0.008) / 1.008 * Math.PI / 2), 2);
        Assert.Equal(F(501) / F(0), s.AlphaBars[500], 12);
    }

    [Fact]
    public void SubsequenceSchedulePicksTheParentsValues()
    {
        using var parent = NoiseSchedule.Linear(1000);
        int[] indices = [0, 7, 100, 500, 998];
        using var child = parent.Subsequence(indices);
        Assert.Equal(indices.Length, child.Steps);
        Assert.Equal(indices, child.ParentIndices);
        for (int k = 0; k < indices.Length; k++) Assert.Equal(parent.AlphaBars[indices[k]], child.AlphaBars[k], 15);
        // Its betas rebuild the same alpha-bars, so it is a schedule like any other.
        using var rebuilt = NoiseSchedule.FromBetas(child.Betas);
        for (int k = 0; k < indices.Length; k++) Assert.Equal(child.AlphaBars[k], rebuilt.AlphaBars[k], 14);
        // SFDDM's c t with T' = 10: student step k is teacher step 100 k.
        using var student = parent.Subsequence(Timesteps.Leading(1000, 10));
        Assert.Equal(parent.AlphaBars[900], student.AlphaBars[9], 15);
        Assert.Throws<ArgumentException>(() => parent.Subsequence([5, 5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => parent.Subsequence([0, 1000]));
    }

    [Fact]
    public void BadBetasAreRejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => NoiseSchedule.FromBetas([0.1, 1.0]));
        Assert.Contains("beta[1]", ex.Message);
    }

    [Fact]
    public void TimestepSpacings()
    {
        var trailing = Timesteps.Uniform(1000, 50);
        Assert.Equal(50, trailing.Length);
        Assert.Equal(999, trailing[^1]);
        Assert.Equal(19, trailing[0]);
        Assert.All(trailing.Zip(trailing.Skip(1)), p => Assert.Equal(20, p.Second - p.First));
        Assert.Equal(Enumerable.Range(0, 1000), Timesteps.Uniform(1000, 1000));
        Assert.Equal(new int[] { 0, 333, 666, 999 }, Timesteps.Linspace(1000, 4));
        Assert.Equal(new int[] { 0, 250, 500, 750 }, Timesteps.Leading(1000, 4));
        Assert.Equal(new int[] { 999 }, Timesteps.Trailing(1000, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Timesteps.Uniform(10, 11));
    }

    [Fact]
    public void GatheredCoefficientsBroadcastOverTheBatch()
    {
        using var s = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        var t = Torch.FromArray(new long[] { 0, 499, 999 });
        var image = Torch.Zeros([3, 1, 4, 4], DType.Float64);
        var a = s.SqrtAlphaBar(t, image);
        Assert.Equal(new long[] { 3L, 1, 1, 1 }, a.Shape);
        Assert.Equal(DType.Float64, a.DType);
        var values = a.ToArray<double>();
        Assert.Equal(Math.Sqrt(s.AlphaBars[499]), values[1], 15);
        var b = s.SqrtOneMinusAlphaBar(t, Torch.Zeros([3, 2]));
        Assert.Equal(new long[] { 3L, 1 }, b.Shape);
        Assert.Equal(DType.Float32, b.DType);
        Assert.Equal((float)Math.Sqrt(1 - s.AlphaBars[999]), b.ToArray<float>()[2], 1e-6);
        Assert.Same(s.On(Device.CPU, DType.Float64), s.On(Device.CPU, DType.Float64));
        Assert.Throws<ArgumentException>(() => s.SqrtAlphaBar(Torch.Zeros([2], DType.Int64), image));
        Assert.Throws<ArgumentException>(() => s.SqrtAlphaBar(Torch.Zeros([3]), image));
    }
}
