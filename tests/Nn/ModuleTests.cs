using RandCond.Nn;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Nn;

public class ModuleTests
{
    private sealed class Net : Module<Tensor, Tensor>
    {
        public readonly Conv2d Conv;
        public readonly GroupNorm Norm;
        public readonly Sequential Head;
        public readonly Tensor Table;

        public Net()
        {
            Conv = Register("conv", new Conv2d(1, 4, 3, padding: 1));
            Norm = Register("norm", new GroupNorm(2, 4));
            Head = Register("head", new Sequential(new Flatten(), new Linear(4 * 4 * 4, 3)));
            Table = RegisterBuffer("table", Torch.Arange(5));
        }

        public override Tensor Forward(Tensor x)
        {
            using var scope = Torch.NewDisposeScope();
            return Head.Forward(Norm.Forward(Conv.Forward(x)).Silu()).MoveToOuterScope();
        }
    }

    [Fact]
    public void NamesFollowPyTorchConventions()
    {
        using var net = new Net();
        Assert.Equal(new[] { "conv.weight", "conv.bias", "norm.weight", "norm.bias", "head.1.weight", "head.1.bias" },
            net.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "table" }, net.NamedBuffers().Select(b => b.Name));
        Assert.Equal(4 * 9 + 4 + 4 + 4 + 64 * 3 + 3, net.ParameterCount);
        Assert.All(net.Parameters(), p => Assert.True(p.Data.IsLeaf && p.RequiresGrad));
    }

    [Fact]
    public void StateDictRoundTripsThroughSafetensors()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rc-mod-").FullName, "net.safetensors");
        Torch.ManualSeed(1);
        using var a = new Net();
        Torch.ManualSeed(2);
        using var b = new Net();
        using var x = Torch.Randn([2, 1, 4, 4]);
        using var ya = a.Forward(x);
        using var yb0 = b.Forward(x);
        Assert.NotEqual(ya.ToArray<float>(), yb0.ToArray<float>());
        Safetensors.Save(path, a.StateDict());
        using (var loaded = Safetensors.Load(path)) b.LoadStateDict(loaded.Tensors);
        using var yb = b.Forward(x);
        Assert.Equal(ya.ToArray<float>(), yb.ToArray<float>());
    }

    [Fact]
    public void StrictLoadListsEveryProblemAndCopiesNothing()
    {
        using var net = new Net();
        var before = net.Conv.Weight.Data.ToArray<float>();
        var state = new Dictionary<string, Tensor>(net.StateDict());
        state.Remove("norm.bias");
        using var wrong = Torch.Zeros([4, 1, 5, 5]);
        state["conv.weight"] = wrong;
        using var extra = Torch.Zeros([1]);
        state["extra"] = extra;
        var e = Assert.Throws<ArgumentException>(() => net.LoadStateDict(state));
        Assert.Contains("missing 'norm.bias'", e.Message);
        Assert.Contains("unexpected 'extra'", e.Message);
        Assert.Contains("'conv.weight' has shape [4, 1, 5, 5] but the module expects [4, 1, 3, 3]", e.Message);
        Assert.Equal(before, net.Conv.Weight.Data.ToArray<float>());
    }

    [Fact]
    public void AStateOfAnotherModelIsCountedNotListedInFull()
    {
        using var net = new Net();
        var state = new Dictionary<string, Tensor>(net.StateDict());
        var extras = Enumerable.Range(0, 40).Select(_ => Torch.Zeros([1])).ToList();
        for (int i = 0; i < extras.Count; i++) state[$"other.{i}"] = extras[i];
        var e = Assert.Throws<ArgumentException>(() => net.LoadStateDict(state));
        Assert.Contains("40 problem(s)", e.Message);
        Assert.Contains("and 34 more", e.Message);
        Assert.True(e.Message.Length < 400, e.Message);
        foreach (var t in extras) t.Dispose();
    }

    [Fact]
    public void ToDTypeConvertsFloatsAndKeepsIntegerBuffers()
    {
        using var net = new Net();
        net.To(DType.Float64);
        Assert.All(net.Parameters(), p => Assert.Equal(DType.Float64, p.Data.DType));
        Assert.All(net.Parameters(), p => Assert.True(p.Data.IsLeaf && p.RequiresGrad));
        Assert.Equal(DType.Int64, net.NamedBuffers().Single().Buffer.DType);
        using var x = Torch.Randn([1, 1, 4, 4], dtype: DType.Float64);
        using var y = net.Forward(x);
        Assert.Equal(DType.Float64, y.DType);
    }

    [Fact]
    public void EvalDisablesDropout()
    {
        using var drop = new Dropout(0.5);
        using var x = Torch.Ones([1000]);
        using (var y = drop.Forward(x)) Assert.Contains(0f, y.ToArray<float>());
        drop.Eval();
        using (var y = drop.Forward(x)) Assert.All(y.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void InitBoundsMatchPyTorchDefaults()
    {
        using var lin = new Linear(400, 10);
        double bound = 1 / Math.Sqrt(400);
        var w = lin.Weight.Data.ToArray<float>();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.9 * bound && w.Min() < -0.9 * bound);
    }
}
