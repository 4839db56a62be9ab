using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>
/// libtorch errors become managed exceptions carrying the operator name and libtorch's own message; misuse on
/// the managed side throws the usual .NET exceptions; and the process carries on normally afterwards.
/// </summary>
public class ErrorTests
{
    /// <summary>A normal computation, run after each failure to show the process and the shim still work.</summary>
    private static void AssertStillWorks()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2]);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, a.MatMul(a).ToArray<float>());
    }

    [Fact]
    public void MatMulShapeMismatchCarriesOperatorAndLibtorchMessage()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Zeros([2, 3]);
        var b = Torch.Zeros([4, 5]);
        var e = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Equal("aten::matmul", e.Operation);
        Assert.Contains("cannot be multiplied", e.NativeMessage); // libtorch: "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"
        Assert.Contains("2x3 and 4x5", e.NativeMessage);
        Assert.StartsWith("aten::matmul: ", e.Message);
        Assert.DoesNotContain("Exception raised from", e.NativeMessage); // no C++ backtrace
        AssertStillWorks();
    }

    [Fact]
    public void DTypeMismatchInMm()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Torch.Zeros([2, 2]);
        var d = Torch.Zeros([2, 2], DType.Float64);
        var e = Assert.Throws<TorchException>(() => f.Mm(d));
        Assert.Equal("aten::mm", e.Operation);
        Assert.Contains("Double", e.NativeMessage);
        Assert.Contains("Float", e.NativeMessage);
        AssertStillWorks();
    }

    [Fact]
    public void FloatTensorUsedAsIndex()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Zeros([4]);
        var index = Torch.FromArray(new float[] { 0, 1 });
        var e = Assert.Throws<TorchException>(() => x.Index(index));
        Assert.Equal("aten::index.Tensor", e.Operation);
        Assert.Contains("indices", e.NativeMessage);
        var boolMask = Torch.FromArray(new[] { true, false });
        var wrongLength = Assert.Throws<TorchException>(() => x.Index(boolMask));
        Assert.Contains("shape", wrongLength.NativeMessage);
        AssertStillWorks();
    }

    [Fact]
    public void UnknownOperator()
    {
        using var x = Torch.Zeros([2]);
        var e = Assert.Throws<TorchException>(() => Torch.Op("aten::no_such_operator", "", x));
        Assert.Equal("aten::no_such_operator", e.Operation);
        Assert.Contains("unknown operator", e.NativeMessage);
        var badOverload = Assert.Throws<TorchException>(() => Torch.Op("aten::add", "NoSuchOverload", x, x));
        Assert.Equal("aten::add.NoSuchOverload", badOverload.Operation);
        Assert.False(new OpHandle("aten::no_such_operator").Exists);
        Assert.True(new OpHandle("aten::add", "Tensor").Exists);
        Assert.Contains("Tensor other", new OpHandle("aten::add", "Tensor").Schema);
        AssertStillWorks();
    }

    [Fact]
    public void TooManyArguments()
    {
        using var x = Torch.Zeros([2]);
        var e = Assert.Throws<TorchException>(() => Torch.Op("aten::relu", "", x, x));
        Assert.Equal("aten::relu", e.Operation);
        Assert.Contains("at most 1 arguments but got 2", e.NativeMessage);
        AssertStillWorks();
    }

    [Fact]
    public void MissingRequiredArgumentIsNamed()
    {
        using var x = Torch.Zeros([2]);
        var e = Assert.Throws<TorchException>(() => Torch.Op("aten::add", "Tensor", x));
        Assert.Contains("missing argument 1 'other'", e.NativeMessage);
        AssertStillWorks();
    }

    [Fact]
    public void WrongArgumentTypeNamesTheArgument()
    {
        using var x = Torch.Zeros([2]);
        var e = Assert.Throws<TorchException>(() => Torch.Op("aten::add", "Tensor", x, "not a tensor"));
        Assert.Equal("aten::add.Tensor", e.Operation);
        Assert.Contains("'other'", e.NativeMessage);
        Assert.Contains("expects Tensor", e.NativeMessage);
        Assert.Contains("got str", e.NativeMessage);
        var first = Assert.Throws<TorchException>(() => Torch.Op("aten::exp", "", 3.0));
        Assert.Contains("'self'", first.NativeMessage);
        var list = Assert.Throws<TorchException>(() => Torch.Op("aten::view", "", x, "2"));
        Assert.Contains("'size'", list.NativeMessage);
        AssertStillWorks();
    }

    [Fact]
    public void UnsupportedManagedArgumentTypeIsRejectedBeforeTheCall()
    {
        using var x = Torch.Zeros([2]);
        var e = Assert.Throws<ArgumentException>(() => Torch.Op("aten::add", "Tensor", x, DateTime.Now));
        Assert.Contains("argument 1", e.Message);
        Assert.Contains("DateTime", e.Message);
        AssertStillWorks();
    }

    [Fact]
    public void DisposedTensorThrowsObjectDisposed()
    {
        var x = Torch.Ones([3]);
        var y = Torch.Ones([3]);
        x.Dispose();
        Assert.True(x.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => x.Exp());
        Assert.Throws<ObjectDisposedException>(() => y + x);
        Assert.Throws<ObjectDisposedException>(() => x.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => x.Shape);
        Assert.Throws<ObjectDisposedException>(() => Torch.Cat([y, x]));
        Assert.Throws<ObjectDisposedException>(() => Torch.Op("aten::exp", "", x));
        Assert.Equal("Tensor(disposed)", x.ToString());
        x.Dispose(); // twice is fine
        Assert.Equal(new float[] { 1, 1, 1 }, y.ToArray<float>());
        y.Dispose();
        var g = new Generator(1);
        g.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Torch.Randn([2], g));
        AssertStillWorks();
    }

    [Fact]
    public void ToArrayWithTheWrongElementType()
    {
        using var d = Torch.Zeros([3], DType.Float64);
        var e = Assert.Throws<ArgumentException>(() => d.ToArray<float>());
        Assert.Contains("Float64", e.Message);
        using var i = Torch.Zeros([3], DType.Int32);
        Assert.Throws<ArgumentException>(() => i.ToArray<long>());
        AssertStillWorks();
    }

    [Fact]
    public void FromArrayWithAWrongShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.FromArray(new float[6], [4, 2]));
        Assert.Contains("8", e.Message);
        Assert.Throws<ArgumentException>(() => Torch.FromArray(new float[6], [5]));
        AssertStillWorks();
    }

    [Fact]
    public void ShimLevelErrors()
    {
        using var scope = Torch.NewDisposeScope();
        var v = Torch.Ones([3], requiresGrad: true);
        var y = v * 2.0;
        var backward = Assert.Throws<TorchException>(() => y.Backward()); // non-scalar output, no gradient given
        Assert.Equal("backward", backward.Operation);
        Assert.Contains("scalar", backward.NativeMessage);
        var item = Assert.Throws<TorchException>(() => v.Item());
        Assert.Equal("Item", item.Operation);
        var noGrad = Torch.Ones([2]);
        var grad = Assert.Throws<TorchException>(() => noGrad.Sum().Backward());
        Assert.Contains("does not require grad", grad.NativeMessage);
        var viewShape = Assert.Throws<TorchException>(() => v.View(2, 2));
        Assert.Equal("aten::view", viewShape.Operation);
        Assert.Contains("invalid for input of size 3", viewShape.NativeMessage);
        AssertStillWorks();
    }

    [Fact]
    public void EachErrorReportsItsOwnMessage()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Zeros([2, 3]);
        var first = Assert.Throws<TorchException>(() => a.MatMul(a));
        AssertStillWorks();
        var second = Assert.Throws<TorchException>(() => a.View(7));
        Assert.NotEqual(first.NativeMessage, second.NativeMessage);
        Assert.Contains("[7]", second.NativeMessage);
    }

    [Fact]
    public void ErrorsOnOtherThreadsKeepTheirOwnMessages()
    {
        TestThread.RunAll(4, i =>
        {
            using var x = Torch.Zeros([i + 1]);
            for (int k = 0; k < 50; k++)
            {
                var e = Assert.Throws<TorchException>(() => x.View(i + 100));
                Assert.Contains($"[{i + 100}]", e.NativeMessage);
            }
        });
    }

    [Fact]
    public void ManyFailuresLeakNoTensors()
    {
        using var x = Torch.Zeros([2, 3]);
        for (int k = 0; k < 50; k++) Assert.Throws<TorchException>(() => x.View(7)); // warm up
        LiveTensors.Collect(); // earlier tests' unreachable tensors would otherwise be finalized mid-count
        long before = Torch.NativeLiveTensors;
        for (int k = 0; k < 50; k++)
        {
            Assert.Throws<TorchException>(() => x.View(7));
            Assert.Throws<TorchException>(() => Torch.Op("aten::add", "Tensor", x, "bad"));
        }
        Assert.Equal(before, Torch.NativeLiveTensors);
        AssertStillWorks();
    }
}
