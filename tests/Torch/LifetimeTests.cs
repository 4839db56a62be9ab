using RandCond.Tensors;
using System.Runtime.CompilerServices;

namespace RandCond.Tests.Tensors;

[CollectionDefinition("Lifetime", DisableParallelization = true)]
public class LifetimeCollection { }

/// <summary>
/// Dispose scopes free intermediates deterministically and a training loop leaks no tensor handles, by both the
/// managed and the native count. The suite runs without parallelization (AssemblyInfo.cs), so the counts
/// measured here move only with this test's own tensors.
/// </summary>
[Collection("Lifetime")]
public class LifetimeTests
{
    private static (long Managed, long Native) Counts() => (Tensor.LiveCount, Torch.NativeLiveTensors);

    [Fact]
    public void DisposeScopeDisposesIntermediates()
    {
        LiveTensors.Collect();
        var start = Counts();
        Tensor a, c;
        using (var scope = Torch.NewDisposeScope())
        {
            a = Torch.Ones([3]);
            var b = a + 1;
            c = b * 2;
            Assert.Equal(3, scope.Count);
            Assert.Equal(start.Managed + 3, Tensor.LiveCount);
            Assert.Equal(start.Native + 3, Torch.NativeLiveTensors);
            Assert.Equal(new float[] { 4, 4, 4 }, c.ToArray<float>());
        }
        Assert.True(a.IsDisposed);
        Assert.True(c.IsDisposed);
        Assert.Equal(start, Counts());
    }

    [Fact]
    public void MoveToOuterScopeKeepsATensorAlive()
    {
        LiveTensors.Collect();
        var start = Counts();
        Tensor kept, dropped;
        using (var outer = Torch.NewDisposeScope())
        {
            using (var inner = Torch.NewDisposeScope())
            {
                dropped = Torch.Zeros([2]);
                kept = (dropped + 5).MoveToOuterScope();
                Assert.Equal(1, inner.Count);
                Assert.Equal(1, outer.Count);
            }
            Assert.True(dropped.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.Equal(new float[] { 5, 5 }, kept.ToArray<float>());
            Assert.Equal(start.Managed + 1, Tensor.LiveCount);
        }
        Assert.True(kept.IsDisposed);
        Assert.Equal(start, Counts());
    }

    [Fact]
    public void MoveToOuterScopeWithoutAnOuterScopeHandsOwnershipToTheCaller()
    {
        LiveTensors.Collect();
        var start = Counts();
        Tensor t;
        using (Torch.NewDisposeScope())
            t = Torch.Ones([1]).MoveToOuterScope();
        Assert.False(t.IsDisposed);
        t.Dispose();
        Tensor d;
        using (Torch.NewDisposeScope())
            d = Torch.Ones([1]).DetachFromDisposeScope();
        Assert.False(d.IsDisposed);
        d.Dispose();
        Assert.Equal(start, Counts());
    }

    [Fact]
    public void NestedScopesDisposeInnermostFirst()
    {
        LiveTensors.Collect();
        var start = Counts();
        using (Torch.NewDisposeScope())
        {
            var o = Torch.Ones([2]);
            Tensor i1, i2;
            using (Torch.NewDisposeScope())
            {
                i1 = o * 3;
                using (Torch.NewDisposeScope())
                    i2 = i1 + o;
                Assert.True(i2.IsDisposed);
                Assert.False(i1.IsDisposed);
            }
            Assert.True(i1.IsDisposed);
            Assert.False(o.IsDisposed);
            Assert.Equal(start.Managed + 1, Tensor.LiveCount);
        }
        Assert.Equal(start, Counts());
    }

    // The two tests below misuse scopes on a thread of their own: the scope stack is per thread, and a
    // misuse must not disturb the tests that run after them on the test runner's threads.

    [Fact]
    public void DisposingScopesOutOfOrderThrows() => TestThread.Run(() =>
    {
        var outer = Torch.NewDisposeScope();
        var inner = Torch.NewDisposeScope();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
    });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference AllocateUnownedTensor() => new(Torch.Ones([4]));

    [Fact]
    public void OutOfOrderDisposeDoesNotLeaveADeadScopeCollectingTensors() => TestThread.Run(() =>
    {
        // After the misuse is reported and both scopes are disposed, a tensor created outside any scope must
        // belong to no scope (and be collectable), not to the scope whose Dispose threw.
        var outer = Torch.NewDisposeScope();
        var inner = Torch.NewDisposeScope();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        var weak = AllocateUnownedTensor();
        LiveTensors.Collect();
        Assert.False(weak.IsAlive, "a tensor created after both scopes were disposed is still held by the scope whose Dispose threw");
    });

    [Fact]
    public void UndisposedTensorsAreFreedByTheFinalizer()
    {
        LiveTensors.Collect();
        var start = Counts();
        var weak = AllocateUnownedTensor();
        Assert.Equal(start.Managed + 1, Tensor.LiveCount);
        LiveTensors.Collect();
        Assert.False(weak.IsAlive);
        Assert.Equal(start, Counts());
    }

    [Fact]
    public void ConvNetTrainingLoopLeaksNothing()
    {
        LiveTensors.Collect();
        var start = Counts();
        using var g = new Generator(123);
        var x = Torch.Randn([8, 1, 8, 8], g);
        Tensor target;
        using (Torch.NewDisposeScope())
            target = F.MaxPool2d(F.Interpolate(x, scaleFactor: 2), 2).Tanh().MoveToOuterScope();
        // (scoped, so that no temporary is left for the finalizer: a Debug build keeps hidden temporaries alive to the end of the method)
        Tensor Parameter(long[] shape)
        {
            using var init = Torch.NewDisposeScope();
            return (Torch.Randn(shape, g) * 0.3).MoveToOuterScope().RequiresGrad_();
        }
        var w1 = Parameter([4, 1, 3, 3]);
        var b1 = Torch.Zeros([4], requiresGrad: true);
        var w2 = Parameter([1, 4, 3, 3]);
        var b2 = Torch.Zeros([1], requiresGrad: true);
        Tensor[] parameters = [w1, b1, w2, b2];

        double Step()
        {
            using var scope = Torch.NewDisposeScope();
            var h = F.Conv2d(x, w1, b1, padding: 1).Relu();
            var y = F.Conv2d(h, w2, b2, padding: 1);
            var loss = F.MseLoss(y, target);
            loss.Backward();
            using (Torch.NoGrad())
                foreach (var p in parameters)
                {
                    p.AddInPlace(p.Grad!, -0.1);
                    p.Grad = null;
                }
            return loss.Item();
        }

        double first = Step();
        var afterFirst = Counts();
        double last = first;
        for (int i = 1; i < 1000; i++) last = Step();
        Assert.Equal(afterFirst, Counts()); // no growth across 999 steps
        Assert.True(last < first * 0.5, $"loss {first} -> {last}");
        foreach (var p in parameters)
        {
            Assert.True(p.IsLeaf);
            Assert.Null(p.Grad);
        }

        foreach (var p in parameters) p.Dispose();
        x.Dispose();
        target.Dispose();
        LiveTensors.Collect();
        Assert.Equal(start, Counts());
    }

    [Fact]
    public void GradModeScopesRestoreThePreviousState()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Ones([2], requiresGrad: true);
        Assert.True(Torch.IsGradEnabled);
        using (Torch.NoGrad())
        {
            Assert.False(Torch.IsGradEnabled);
            Assert.False((x * 2).RequiresGrad);
            using (Torch.EnableGrad())
            {
                Assert.True(Torch.IsGradEnabled);
                Assert.True((x * 2).RequiresGrad);
            }
            Assert.False(Torch.IsGradEnabled);
            using (Torch.NoGrad())
                Assert.False(Torch.IsGradEnabled);
            Assert.False(Torch.IsGradEnabled);
            TestThread.Run(() => Assert.True(Torch.IsGradEnabled)); // grad mode is per thread
        }
        Assert.True(Torch.IsGradEnabled);
        Assert.True((x * 2).RequiresGrad);
    }

    [Fact]
    public void AutogradGradMatchesBackward()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(77);
        var xData = Torch.Randn([3, 4], g, DType.Float64);
        var wData = Torch.Randn([4, 2], g, DType.Float64);

        var x = xData.Clone().RequiresGrad_();
        var w = wData.Clone().RequiresGrad_();
        var loss = (x.Sin().MatMul(w).Tanh()).Sum();
        loss.Backward();
        var xGrad = x.Grad!.ToArray<double>();
        var wGrad = w.Grad!.ToArray<double>();

        var x2 = xData.Clone().RequiresGrad_();
        var w2 = wData.Clone().RequiresGrad_();
        var loss2 = (x2.Sin().MatMul(w2).Tanh()).Sum();
        var grads = Autograd.Grad([loss2], [x2, w2]);
        Assert.Equal(xGrad, grads[0]!.ToArray<double>());
        Assert.Equal(wGrad, grads[1]!.ToArray<double>());
        Assert.Null(x2.Grad); // Autograd.Grad does not touch .Grad

        // explicit output gradient: Backward(v) equals Grad with gradOutputs v
        var x3 = xData.Clone().RequiresGrad_();
        var y3 = x3 * x3;
        var v = Torch.FullLike(y3, 0.5);
        var viaGrad = Autograd.Grad([y3], [x3], [v], retainGraph: true)[0]!.ToArray<double>();
        y3.Backward(v);
        Assert.Equal(viaGrad, x3.Grad!.ToArray<double>());
        OpsTests.AssertClose(xData.ToArray<double>(), viaGrad, 1e-15); // d(0.5 x²)/dx = x

        // accumulation, clearing and assignment of .Grad
        var z = xData.Clone().RequiresGrad_();
        var s = (z * 3.0).Sum();
        s.Backward(retainGraph: true);
        s.Backward();
        Assert.All(z.Grad!.ToArray<double>(), e => Assert.Equal(6.0, e));
        z.Grad = null;
        Assert.Null(z.Grad);
        z.Grad = Torch.OnesLike(z);
        Assert.All(z.Grad!.ToArray<double>(), e => Assert.Equal(1.0, e));

        // second derivative through createGraph: d²(x³)/dx² = 6x
        var c = xData.Clone().RequiresGrad_();
        var first = Autograd.Grad([c.Pow(3).Sum()], [c], createGraph: true)[0]!;
        var second = Autograd.Grad([first.Sum()], [c])[0]!;
        OpsTests.AssertClose((xData * 6.0).ToArray<double>(), second.ToArray<double>(), 1e-12);

        // unused inputs
        var unused = Torch.Ones([2], DType.Float64, requiresGrad: true);
        var only = xData.Clone().RequiresGrad_();
        var r = Autograd.Grad([only.Sum()], [only, unused], allowUnused: true);
        Assert.NotNull(r[0]);
        Assert.Null(r[1]);
        Assert.Throws<TorchException>(() => Autograd.Grad([only.Sum()], [only, unused]));
    }

    [Fact]
    public void DetachCutsTheGraph()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Ones([2], requiresGrad: true);
        var y = (x * 2).Detach();
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
        Assert.False((x * 2).IsLeaf);
    }
}
