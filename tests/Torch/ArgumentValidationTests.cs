using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>
/// Enum, dtype, device and index arguments that libtorch would misread are refused with a managed exception that names
/// the argument, before any native call; boxed calls by name refuse what the operator's schema would misread.
/// Each case here crashed, hung or passed silently before these checks.
/// </summary>
public class ArgumentValidationTests
{
    private static void AssertStillWorks()
    {
        using var a = Torch.Ones([2]);
        Assert.Equal(new float[] { 2, 2 }, (a + a).ToArray<float>());
    }

    public static TheoryData<int> BadDTypeCodes => new() { -1, 255, 8, 12, 99, int.MaxValue, int.MinValue };

    [Theory]
    [MemberData(nameof(BadDTypeCodes))]
    public void UndefinedDTypeIsRefusedByEveryFactory(int code)
    {
        var dtype = (DType)code;
        var cases = new Func<Tensor>[]
        {
            () => Torch.Zeros([2], dtype), () => Torch.Ones([2], dtype), () => Torch.Empty([2], dtype),
            () => Torch.Full([2], 1.0, dtype), () => Torch.Eye(2, dtype), () => Torch.Arange(0, 3, 1, dtype),
            () => Torch.Linspace(0, 1, 3, dtype), () => Torch.Randn([2], dtype: dtype), () => Torch.Rand([2], dtype: dtype),
            () => Torch.Randint(0, 3, [2], dtype: dtype), () => Torch.Scalar(1, dtype), () => Torch.FromBytes(new byte[8], dtype, [2]),
        };
        foreach (var make in cases)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => make());
            Assert.Equal("dtype", e.ParamName);
            Assert.Contains("is not a DType", e.Message);
        }
        using var x = Torch.Ones([2]);
        Assert.Equal("dtype", Assert.Throws<ArgumentOutOfRangeException>(() => x.To(dtype)).ParamName);
        Assert.Equal("dtype", Assert.Throws<ArgumentOutOfRangeException>(() => x.To(Device.CPU, dtype)).ParamName);
        AssertStillWorks();
    }

    [Fact]
    public void UndefinedDeviceIsRefusedWhenTheDeviceIsMade()
    {
        Assert.Equal("type", Assert.Throws<ArgumentOutOfRangeException>(() => new Device((DeviceType)7)).ParamName);
        Assert.Equal("type", Assert.Throws<ArgumentOutOfRangeException>(() => new Device((DeviceType)(-1))).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => Device.CUDA(-2)).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => Device.CUDA(128)).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => new Device(DeviceType.CPU, 3)).ParamName);
        Assert.Throws<FormatException>(() => Device.Parse("cuda:300"));
        Assert.Equal(Device.CUDA(127), Device.Parse("cuda:127"));
        Assert.Equal("device", Assert.Throws<ArgumentOutOfRangeException>(() => AutocastScope.State((DeviceType)9)).ParamName);
        AssertStillWorks();
    }

    [Fact]
    public void UndefinedMemoryFormatAndReductionAreRefused()
    {
        using var x = Torch.Ones([1, 2, 2, 2]);
        foreach (var code in new[] { -1, 4, 99, 255 })
        {
            Assert.Equal("format", Assert.Throws<ArgumentOutOfRangeException>(() => x.ToMemoryFormat((MemoryFormat)code)).ParamName);
            Assert.Equal("format", Assert.Throws<ArgumentOutOfRangeException>(() => x.IsContiguous((MemoryFormat)code)).ParamName);
        }
        using var target = Torch.Zeros([1, 2, 2, 2]);
        foreach (var code in new[] { -1, 3, 7 })
        {
            var reduction = (F.Reduction)code;
            Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => F.MseLoss(x, target, reduction)).ParamName);
            Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => F.L1Loss(x, target, reduction)).ParamName);
            using var logits = Torch.Zeros([2, 3]);
            using var labels = Torch.Zeros([2], DType.Int64);
            Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(logits, labels, reduction)).ParamName);
        }
        using var channelsLast = x.ToMemoryFormat(MemoryFormat.ChannelsLast);
        Assert.True(channelsLast.IsContiguous(MemoryFormat.ChannelsLast));
        AssertStillWorks();
    }

    [Fact]
    public void BoxedCallRefusesEnumCodesOutsideTheirRangeNamingOperatorAndArgument()
    {
        using var x = Torch.Ones([1, 2, 2, 2]);
        var format = Assert.Throws<TorchException>(() => Torch.Op("aten::contiguous", "", x, 99L));
        Assert.Equal("aten::contiguous", format.Operation);
        Assert.Contains("argument 1 'memory_format'", format.NativeMessage);
        Assert.Contains("99 is not a memory format", format.NativeMessage);
        foreach (var code in new long[] { -1, 255, 99, long.MaxValue })
        {
            var dtype = Assert.Throws<TorchException>(() => Torch.Op("aten::zeros", "", new long[] { 2 }, code));
            Assert.Equal("aten::zeros", dtype.Operation);
            Assert.Contains("argument 1 'dtype'", dtype.NativeMessage);
            Assert.Contains("is not a dtype code", dtype.NativeMessage);
        }
        var layout = Assert.Throws<TorchException>(() => Torch.Op("aten::zeros", "", new long[] { 2 }, null, 42L));
        Assert.Contains("argument 2 'layout'", layout.NativeMessage);
        var managed = Assert.Throws<ArgumentOutOfRangeException>(() => Torch.Op("aten::zeros", "", new long[] { 2 }, (DType)(-1)));
        Assert.Contains("aten::zeros argument 1", managed.ParamName);
        using var valid = Torch.Op("aten::zeros", "", new long[] { 2 }, (long)DType.Float64);
        Assert.Equal(DType.Float64, valid.DType);
        AssertStillWorks();
    }

    [Fact]
    public void BoxedCallRefusesIntsThatAreNotBoolsAndNullTensorsInLists()
    {
        using var x = Torch.Ones([2, 3]);
        var keepdim = Assert.Throws<TorchException>(() => Torch.Op("aten::sum", "dim_IntList", x, new long[] { 0 }, 5L));
        Assert.Equal("aten::sum.dim_IntList", keepdim.Operation);
        Assert.Contains("argument 2 'keepdim' expects bool but got the int 5", keepdim.NativeMessage);
        using var kept = Torch.Op("aten::sum", "dim_IntList", x, new long[] { 0 }, 1L);
        Assert.Equal([1L, 3], kept.Shape);
        var list = Assert.Throws<TorchException>(() => Torch.Op("aten::cat", "", (object)new Tensor?[] { x, null }));
        Assert.Equal("aten::cat", list.Operation);
        Assert.Contains("argument 0 'tensors'", list.NativeMessage);
        Assert.Contains("element 1 is None", list.NativeMessage);
        AssertStillWorks();
    }

    [Fact]
    public void SizeOutOfRangeNamesTheDimensionAndTheShape()
    {
        using var x = Torch.Zeros([2, 3]);
        Assert.Equal(3, x.Size(-1));
        foreach (var dim in new[] { 2, 5, -3, int.MinValue })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => x.Size(dim));
            Assert.Equal("dim", e.ParamName);
            Assert.Contains($"dimension {dim} is out of range", e.Message);
            Assert.Contains("Float32[2, 3]", e.Message);
            Assert.Contains("valid: -2..1", e.Message);
        }
        using var scalar = Torch.Scalar(1);
        Assert.Contains("0-dimensional", Assert.Throws<ArgumentOutOfRangeException>(() => scalar.Size(0)).Message);
    }

    [Fact]
    public void RangeIndexOutsideTheDimensionNamesRangeAndSize()
    {
        using var x = Torch.Arange(6).Reshape(3, 2);
        using (var tail = x[1..]) Assert.Equal(new long[] { 2, 3, 4, 5 }, tail.ToArray<long>());
        using (var last = x[^1..]) Assert.Equal(new long[] { 4, 5 }, last.ToArray<long>());
        using (var empty = x[3..3]) Assert.Equal([0L, 2], empty.Shape);
        foreach (var range in new[] { 5..10, 0..4, ^4.., 2..1 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => x[range]);
            Assert.Equal("range", e.ParamName);
            Assert.Contains("dimension 0 of size 3", e.Message);
            Assert.Contains("Int64[3, 2]", e.Message);
        }
        using var scalar = Torch.Scalar(1);
        Assert.Contains("0-dimensional", Assert.Throws<ArgumentException>(() => scalar[0..1]).Message);
    }

    [Fact]
    public void ShapesWhoseByteSizeOverflowAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.FromBytes(ReadOnlySpan<byte>.Empty, DType.Float32, [1L << 62]));
        Assert.Equal("shape", e.ParamName);
        Assert.Contains("more than", e.Message);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => Torch.FromBytes(new byte[4], DType.Float32, [-1, -1])).ParamName);
        AssertStillWorks();
    }
}
