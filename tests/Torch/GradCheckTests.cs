using RandCond.Tensors;
using static RandCond.Tests.Tensors.GradChecker;

namespace RandCond.Tests.Tensors;

/// <summary>Autograd through the boxed dispatcher path agrees with finite differences, operator by operator.</summary>
public class GradCheckTests
{
    private static Tensor Long(params long[] values) => Torch.FromArray(values);

    [Fact]
    public void CheckerDetectsAWrongGradient()
    {
        // A function whose value is x² but whose autograd graph says 3x (detach trick): the checker must fail.
        using var x = Randn(1, 3);
        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            Check("fake", a => a[0].Detach() * a[0].Detach() + (a[0] * 3.0 - (a[0] * 3.0).Detach()) * 1.0 + a[0] * 0.0, x));
        Assert.Contains("fake", e.Message);
    }

    [Fact]
    public void Conv2dWithBiasStride2Padding1() =>
        Check("conv2d", a => F.Conv2d(a[0], a[1], a[2], stride: 2, padding: 1),
              Randn(1, 2, 3, 5, 5), Randn(2, 4, 3, 3, 3), Randn(3, 4));

    [Fact]
    public void ConvTranspose2d() =>
        Check("conv_transpose2d", a => F.ConvTranspose2d(a[0], a[1], a[2], stride: 2, padding: 1, outputPadding: 1),
              Randn(4, 1, 3, 3, 3), Randn(5, 3, 2, 3, 3), Randn(6, 2));

    [Fact]
    public void GroupNormWithWeightAndBias() =>
        Check("group_norm", a => F.GroupNorm(a[0], 2, a[1], a[2]),
              Randn(7, 2, 4, 3, 3), Randn(8, 4), Randn(9, 4));

    [Fact]
    public void GroupNormSilu() =>
        Check("group_norm + silu", a => F.GroupNormSilu(a[0], 2, a[1], a[2], shift: a[3]),
              Randn(13, 2, 4, 3, 3), Randn(14, 4), Randn(15, 4), Randn(16, 2, 4));

    [Fact]
    public void LayerNorm() =>
        Check("layer_norm", a => F.LayerNorm(a[0], [5], a[1], a[2]),
              Randn(10, 3, 5), Randn(11, 5), Randn(12, 5));

    [Fact]
    public void ScaledDotProductAttention() =>
        Check("sdpa", a => F.ScaledDotProductAttention(a[0], a[1], a[2]),
              Randn(13, 2, 3, 4), Randn(14, 2, 5, 4), Randn(15, 2, 5, 3));

    [Fact]
    public void ScaledDotProductAttentionWithBoolMask()
    {
        // Each query keeps key 0, so no row is masked out entirely.
        using var mask = Torch.FromArray(new[] { true, false, true, true, true, false, true, false, false, true, true, true }, [3, 4]);
        Check("sdpa bool mask", a => F.ScaledDotProductAttention(a[0], a[1], a[2], mask),
              Randn(16, 2, 3, 4), Randn(17, 2, 4, 4), Randn(18, 2, 4, 2));
    }

    [Fact]
    public void ComposedAttentionWithFloatMaskAndCausal()
    {
        using var mask = Randn(19, 4, 4);
        Check("composed attention", a => F.ComposedAttention(a[0], a[1], a[2], mask, isCausal: true),
              Randn(20, 2, 4, 3), Randn(21, 2, 4, 3), Randn(22, 2, 4, 3));
    }

    [Fact]
    public void ComposedAttentionWithBoolMask()
    {
        using var mask = Torch.FromArray(new[] { true, false, true, true, false, true, false, true, true }, [3, 3]);
        Check("composed attention bool mask", a => F.ComposedAttention(a[0], a[1], a[2], mask, isCausal: false),
              Randn(23, 3, 4), Randn(24, 3, 4), Randn(25, 3, 2));
    }

    [Fact]
    public void SoftmaxAndLogSoftmax()
    {
        Check("softmax", a => a[0].Softmax(1), Randn(26, 3, 4));
        Check("log_softmax", a => F.LogSoftmax(a[0], 0), Randn(27, 3, 4));
    }

    [Fact]
    public void MatMulAndBmm()
    {
        Check("matmul", a => a[0].MatMul(a[1]), Randn(28, 3, 4), Randn(29, 4, 2));
        Check("matmul batched broadcast", a => a[0].MatMul(a[1]), Randn(30, 2, 3, 4), Randn(31, 4, 2));
        Check("bmm", a => a[0].Bmm(a[1]), Randn(32, 2, 3, 4), Randn(33, 2, 4, 2));
    }

    [Fact]
    public void InterpolateNearestAndBilinear()
    {
        Check("nearest", a => F.Interpolate(a[0], size: [5, 6]), Randn(34, 1, 2, 3, 3));
        Check("nearest x2", a => F.Interpolate(a[0], scaleFactor: 2), Randn(35, 1, 1, 2, 3));
        Check("bilinear", a => F.Interpolate(a[0], size: [5, 4], mode: "bilinear"), Randn(36, 1, 2, 3, 3));
        Check("bilinear align corners", a => F.Interpolate(a[0], size: [4, 5], mode: "bilinear", alignCorners: true), Randn(37, 1, 1, 3, 3));
    }

    [Fact]
    public void AvgPool2d() =>
        Check("avg_pool2d", a => F.AvgPool2d(a[0], 2), Randn(38, 1, 2, 4, 4));

    [Fact]
    public void MaxPool2d() =>
        Check("max_pool2d", a => F.MaxPool2d(a[0], 2), Distinct(39, 1, 2, 4, 4));

    [Fact]
    public void MseLoss() =>
        Check("mse_loss", a => F.MseLoss(a[0], a[1]), Randn(40, 3, 4), Randn(41, 3, 4));

    [Fact]
    public void L1LossAwayFromKinks()
    {
        // |input - target| is 0.5 everywhere, so ±eps never crosses the kink at 0.
        using var x = Randn(42, 3, 4);
        using var signs = Randn(43, 3, 4).Sign();
        using var offset = signs * 0.5;
        using var target = x + offset;
        Check("l1_loss", a => F.L1Loss(a[0], target), x);
        Check("l1_loss sum", a => F.L1Loss(a[0], target, F.Reduction.Sum), x);
    }

    [Fact]
    public void CrossEntropy()
    {
        using var target = Long(2, 0, 4);
        Check("cross_entropy", a => F.CrossEntropy(a[0], target), Randn(44, 3, 5));
        Check("cross_entropy smoothing", a => F.CrossEntropy(a[0], target, labelSmoothing: 0.1), Randn(45, 3, 5));
    }

    [Fact]
    public void Activations()
    {
        Check("gelu", a => a[0].Gelu(), Randn(46, 10));
        Check("gelu tanh", a => F.Gelu(a[0], "tanh"), Randn(47, 10));
        Check("silu", a => F.Silu(a[0]), Randn(48, 10));
        Check("sigmoid", a => a[0].Sigmoid(), Randn(49, 10));
        Check("tanh", a => a[0].Tanh(), Randn(50, 10));
    }

    [Fact]
    public void ExpAndLog()
    {
        Check("exp", a => a[0].Exp(), Randn(51, 8));
        using var x = Randn(52, 8);
        using var positive = x.Abs() + 0.5;
        Check("log", a => a[0].Log(), positive);
    }

    [Fact]
    public void SumMeanVarOverDims()
    {
        Check("sum dim", a => a[0].Sum(1), Randn(53, 2, 3, 4));
        Check("sum dims keepdim", a => a[0].Sum([0, 2], keepDim: true), Randn(54, 2, 3, 4));
        Check("mean dim", a => a[0].Mean(-1), Randn(55, 2, 3, 4));
        Check("mean all", a => a[0].Mean(), Randn(56, 2, 3));
        Check("var dims", a => a[0].Var([1, 2]), Randn(57, 2, 3, 4));
        Check("var all unbiased=false", a => a[0].Var(correction: 0), Randn(58, 5));
    }

    [Fact]
    public void Linear()
    {
        Check("linear", a => F.Linear(a[0], a[1], a[2]), Randn(59, 3, 4), Randn(60, 2, 4), Randn(61, 2));
        Check("linear no bias", a => F.Linear(a[0], a[1]), Randn(62, 3, 4), Randn(63, 2, 4));
    }

    [Fact]
    public void EmbeddingWrtWeight()
    {
        using var indices = Torch.FromArray(new long[] { 1, 3, 1, 0, 4, 3 }, [2, 3]);
        Check("embedding", a => F.Embedding(a[0], indices), Randn(64, 5, 3));
    }

    [Fact]
    public void GatherAndIndexSelect()
    {
        using var index = Torch.FromArray(new long[] { 2, 0, 1, 1, 0, 0, 2, 2 }, [2, 4]);
        Check("gather", a => a[0].Gather(1, index), Randn(65, 2, 3));
        using var rows = Long(2, 0, 2);
        Check("index_select", a => a[0].IndexSelect(0, rows), Randn(66, 3, 2));
    }

    [Fact]
    public void CatAndStack()
    {
        Check("cat", a => Torch.Cat([a[0], a[1]], 1), Randn(67, 2, 3), Randn(68, 2, 1));
        Check("stack", a => Torch.Stack([a[0], a[1]], 1), Randn(69, 2, 3), Randn(70, 2, 3));
    }

    [Fact]
    public void PermuteReshapeAndViews()
    {
        Check("permute", a => a[0].Permute(2, 0, 1), Randn(71, 2, 3, 4));
        Check("reshape", a => a[0].Permute(1, 0).Reshape(6), Randn(72, 2, 3));
        Check("view + slice + transpose", a => a[0].View(3, 4).Slice(1, 1, null, 2).T, Randn(73, 12));
    }

    [Fact]
    public void Pow()
    {
        using var x = Randn(74, 6);
        using var positive = x.Abs() + 0.5;
        Check("pow 3", a => a[0].Pow(3), x);
        Check("pow 2.5", a => a[0].Pow(2.5), positive);
        Check("pow tensor", a => a[0].Pow(a[1]), positive, Randn(75, 6));
    }

    [Fact]
    public void ArithmeticOperators() =>
        Check("arithmetic", a => (a[0] * a[1] - a[0] / (a[1].Square() + 1.0) + 2.0 - a[1]) * 0.5, Randn(76, 5), Randn(77, 5));

    [Fact]
    public void EighEigenvaluesOfSymmetrizedMatrix() =>
        Check("eigh eigenvalues", a =>
        {
            var symmetric = a[0] + a[0].T;
            return Linalg.Eigh(symmetric).Eigenvalues;
        }, Randn(78, 4, 4));
}
