using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>Values of the F (torch.nn.functional) layer against hand-computed results.</summary>
public class FunctionalTests
{
    [Fact]
    public void LinearComputesXWTransposePlusB()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { 1, 2 }, [1, 2]);
        var w = Torch.FromArray(new float[] { 1, 0, 0, 1, 1, 1 }, [3, 2]);
        var b = Torch.FromArray(new float[] { 10, 20, 30 });
        Assert.Equal(new float[] { 11, 22, 33 }, F.Linear(x, w, b).ToArray<float>());
        Assert.Equal(new float[] { 1, 2, 3 }, F.Linear(x, w).ToArray<float>());
    }

    [Fact]
    public void Conv2dOfKnownKernel()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Arange(16, DType.Float32).View(1, 1, 4, 4);
        var w = Torch.Ones([1, 1, 2, 2]);
        var b = Torch.FromArray(new float[] { 0.5f });
        var y = F.Conv2d(x, w, b, stride: 2);
        Assert.Equal(new float[] { 10.5f, 18.5f, 42.5f, 50.5f }, y.ToArray<float>());
        var padded = F.Conv2d(x, w, padding: 1);
        Assert.Equal(new long[] { 1, 1, 5, 5 }, padded.Shape);
        Assert.Equal(0f, padded.ToArray<float>()[0]);
        var grouped = F.Conv2d(Torch.Ones([1, 4, 3, 3]), Torch.Ones([2, 2, 1, 1]), groups: 2);
        Assert.Equal(new long[] { 1, 2, 3, 3 }, grouped.Shape);
        Assert.All(grouped.ToArray<float>(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void ConvTranspose2dUpsamplesShape()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Ones([1, 3, 4, 4]);
        var w = Torch.Ones([3, 2, 3, 3]);
        Assert.Equal(new long[] { 1, 2, 8, 8 }, F.ConvTranspose2d(x, w, stride: 2, padding: 1, outputPadding: 1).Shape);
        var y = F.ConvTranspose2d(Torch.Ones([1, 1, 1, 1]), Torch.Arange(4, DType.Float32).View(1, 1, 2, 2));
        Assert.Equal(new float[] { 0, 1, 2, 3 }, y.ToArray<float>());
    }

    [Fact]
    public void NormalizationsStandardize()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(2);
        var x = Torch.Randn([2, 4, 3, 3], g, DType.Float64) * 3.0 + 1.0;
        var gn = F.GroupNorm(x, 2, eps: 0);
        var groups = gn.View(2, 2, 18);
        foreach (var m in groups.Mean(2).ToArray<double>()) Assert.Equal(0, m, 10);
        foreach (var v in groups.Var([2], correction: 0).ToArray<double>()) Assert.Equal(1, v, 10);
        var ln = F.LayerNorm(x, [3, 3], Torch.Full([3, 3], 2.0, DType.Float64), Torch.Full([3, 3], 5.0, DType.Float64), eps: 0);
        var rows = ln.View(8, 9);
        foreach (var m in rows.Mean(1).ToArray<double>()) Assert.Equal(5, m, 10);
        foreach (var v in rows.Var([1], correction: 0).ToArray<double>()) Assert.Equal(4, v, 1e-9);
    }

    [Fact]
    public void GroupNormSiluIsSiluOfGroupNorm()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(3);
        var x = Torch.Randn([2, 4, 3, 3], g, DType.Float64) * 3.0 + 1.0;
        var w = Torch.Randn([4], g, DType.Float64);
        var b = Torch.Randn([4], g, DType.Float64);
        var composed = F.GroupNorm(x, 2, w, b).Silu();
        Assert.Equal(0, (F.GroupNormSilu(x, 2, w, b) - composed).Abs().Max().Item(), 12);
        Assert.Equal(0, (F.GroupNormSilu(x, 2) - F.GroupNorm(x, 2).Silu()).Abs().Max().Item(), 12);
        var shift = Torch.Randn([2, 4], g, DType.Float64);
        var shifted = F.GroupNorm(x + shift.View(2, 4, 1, 1), 2, w, b).Silu();
        Assert.Equal(0, (F.GroupNormSilu(x, 2, w, b, shift: shift) - shifted).Abs().Max().Item(), 12);
    }

    [Fact]
    public void LayerNormOverTheLastDimensionMatchesTheOperatorsGeneralForm()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(4);
        var x = Torch.Randn([2, 5, 6], g, DType.Float64) * 2.0 - 0.5;
        var w = Torch.Randn([6], g, DType.Float64);
        var b = Torch.Randn([6], g, DType.Float64);
        // [6] takes the shim's layer norm; [1, 6] over an added unit dimension takes aten::layer_norm through the dispatcher.
        var general = F.LayerNorm(x.Unsqueeze(-2), [1, 6], w.View(1, 6), b.View(1, 6)).Squeeze(-2);
        Assert.Equal(0, (F.LayerNorm(x, [6], w, b) - general).Abs().Max().Item(), 12);
    }

    [Fact]
    public void NormalizationsNameWhatDoesNotFit()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 4, 3, 3]);
        var groups = Assert.Throws<TorchException>(() => F.GroupNormSilu(x, 3));
        Assert.Contains("group_norm", groups.Message);
        var shift = Assert.Throws<TorchException>(() => F.GroupNormSilu(x, 2, shift: Torch.Zeros([2, 3])));
        Assert.Contains("shift has 6 values for 8", shift.Message);
        var weight = Assert.Throws<TorchException>(() => F.LayerNorm(x, [3], Torch.Ones([4])));
        Assert.Contains("layer_norm", weight.Message);
    }

    [Fact]
    public void MaxPoolValues()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Arange(16, DType.Float32).View(1, 1, 4, 4);
        Assert.Equal(new float[] { 5, 7, 13, 15 }, F.MaxPool2d(x, 2).ToArray<float>());
        Assert.Equal(new long[] { 1, 1, 3, 3 }, F.MaxPool2d(x, 2, stride: 1).Shape);
        Assert.Equal(new long[] { 1, 1, 3, 3 }, F.MaxPool2d(x, 2, padding: 1).Shape);
        Assert.Equal(new float[] { 7.5f }, F.AdaptiveAvgPool2d(x, 1).ToArray<float>());
    }

    [Fact]
    public void AvgPoolValues()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Arange(16, DType.Float32).View(1, 1, 4, 4);
        Assert.Equal(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, F.AvgPool2d(x, 2).ToArray<float>());
        Assert.Equal(new long[] { 1, 1, 3, 3 }, F.AvgPool2d(x, 2, stride: 1).Shape);
        // count_include_pad = True (PyTorch's default): the corner window holds x[0,0] = 0 and three zeros of padding
        Assert.Equal(new long[] { 1, 1, 3, 3 }, F.AvgPool2d(x, 2, padding: 1).Shape);
        Assert.Equal(15f / 4, F.AvgPool2d(x, 2, padding: 1).ToArray<float>()[8]);
    }

    [Fact]
    public void LossValues()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.FromArray(new float[] { 1, 2, 3, 4 });
        var b = Torch.FromArray(new float[] { 2, 2, 1, 4 });
        Assert.Equal(5f / 4, F.MseLoss(a, b).ItemFloat());
        Assert.Equal(5f, F.MseLoss(a, b, F.Reduction.Sum).ItemFloat());
        Assert.Equal(new float[] { 1, 0, 4, 0 }, F.MseLoss(a, b, F.Reduction.None).ToArray<float>());
        Assert.Equal(3f / 4, F.L1Loss(a, b).ItemFloat());
        var logits = Torch.Zeros([2, 5]);
        var target = Torch.FromArray(new long[] { 1, 3 });
        Assert.Equal(Math.Log(5), F.CrossEntropy(logits, target).Item(), 1e-6);
        var sharp = Torch.FromArray(new float[] { 0, 10, 0, 0, 10, 0 }, [2, 3]);
        var ce = F.CrossEntropy(sharp, Torch.FromArray(new long[] { 1, 0 }), F.Reduction.None).ToArray<float>();
        Assert.Equal(Math.Log(1 + 2 * Math.Exp(-10)), ce[0], 1e-5);
        Assert.Equal(10 + Math.Log(1 + 2 * Math.Exp(-10)), ce[1], 1e-4);
    }

    [Fact]
    public void ActivationValues()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new double[] { -2, 0, 1 });
        Assert.Equal(new double[] { 0, 0, 1 }, F.Relu(x).ToArray<double>());
        var silu = F.Silu(x).ToArray<double>();
        Assert.Equal(-2 / (1 + Math.Exp(2)), silu[0], 12);
        Assert.Equal(1 / (1 + Math.Exp(-1)), silu[2], 12);
        var gelu = F.Gelu(x).ToArray<double>();
        Assert.Equal(0.8413447460685429, gelu[2], 12); // x Φ(x) at x = 1
        Assert.Equal(new double[] { Math.Tanh(-2), 0, Math.Tanh(1) }, x.Tanh().ToArray<double>());
        Assert.Equal(0.5, x.Sigmoid().ToArray<double>()[1]);
        Assert.Equal(-0.02, x.LeakyRelu().ToArray<double>()[0], 12);
        Assert.Equal(Math.Log(1 + Math.E), x.Softplus().ToArray<double>()[2], 12);
    }

    [Fact]
    public void DropoutAndEmbedding()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Ones([1000]);
        Assert.Equal(x.ToArray<float>(), F.Dropout(x, 0.5, training: false).ToArray<float>());
        Torch.ManualSeed(1);
        var d = F.Dropout(x, 0.5, training: true).ToArray<float>();
        Assert.All(d, v => Assert.True(v == 0 || v == 2));
        Assert.InRange(d.Count(v => v == 0), 400, 600);
        var table = Torch.Arange(6, DType.Float32).View(3, 2);
        var e = F.Embedding(table, Torch.FromArray(new long[] { 2, 0, 2 }));
        Assert.Equal(new float[] { 4, 5, 0, 1, 4, 5 }, e.ToArray<float>());
    }

    [Fact]
    public void AttentionMatchesHandComputation()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(9);
        var q = Torch.Randn([2, 3, 4], g, DType.Float64);
        var k = Torch.Randn([2, 5, 4], g, DType.Float64);
        var v = Torch.Randn([2, 5, 6], g, DType.Float64);
        var expected = (q.MatMul(k.T) / 2.0).Softmax(-1).MatMul(v);
        OpsTests.AssertClose(expected.ToArray<double>(), F.ScaledDotProductAttention(q, k, v).ToArray<double>(), 1e-12);
        OpsTests.AssertClose(expected.ToArray<double>(), F.ComposedAttention(q, k, v, null, false).ToArray<double>(), 1e-12);

        // A Bool mask keeps the marked keys: masking all but key j returns v[:, j] for every query.
        var onlyKey2 = Torch.FromArray(new[] { false, false, true, false, false });
        var picked = F.ScaledDotProductAttention(q, k, v, onlyKey2);
        var v2 = v.Select(1, 2).Unsqueeze(1).Expand(2, 3, 6).Contiguous();
        OpsTests.AssertClose(v2.ToArray<double>(), picked.ToArray<double>(), 1e-12);

        // Causal: query 0 of a square problem sees only key 0.
        var qs = Torch.Randn([1, 3, 4], g, DType.Float64);
        var vs = Torch.Randn([1, 3, 2], g, DType.Float64);
        var causal = F.ScaledDotProductAttention(qs, qs, vs, isCausal: true);
        OpsTests.AssertClose(vs[0][0].ToArray<double>(), causal[0][0].ToArray<double>(), 1e-12);
        OpsTests.AssertClose(causal.ToArray<double>(), F.ComposedAttention(qs, qs, vs, null, true).ToArray<double>(), 1e-12);
    }

    [Fact]
    public void PixelShuffleRearranges()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Arange(4, DType.Float32).View(1, 4, 1, 1);
        var y = F.PixelShuffle(x, 2);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, y.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 3 }, y.ToArray<float>());
    }
}
