using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>Values of tensor operations against hand-computed expectations.</summary>
public class OpsTests
{
    private static void RoundTrip<T>(T[] values, DType dtype) where T : unmanaged
    {
        using var t = Torch.FromArray(values, [2, values.Length / 2]);
        Assert.Equal(dtype, t.DType);
        Assert.Equal(new long[] { 2, values.Length / 2 }, t.Shape);
        Assert.Equal(values.Length, t.NumEl);
        Assert.Equal(values, t.ToArray<T>());
    }

    [Fact]
    public void FromArrayToArrayRoundTripsEveryDType()
    {
        RoundTrip(new[] { 1.5f, -2.25f, float.MaxValue, float.Epsilon }, DType.Float32);
        RoundTrip(new[] { Math.PI, -1e300, 0.0, double.MinValue }, DType.Float64);
        RoundTrip(new[] { long.MaxValue, long.MinValue, 0L, -7L }, DType.Int64);
        RoundTrip(new[] { int.MaxValue, int.MinValue, 3, -3 }, DType.Int32);
        RoundTrip(new byte[] { 0, 255, 17, 128 }, DType.UInt8);
        RoundTrip(new[] { true, false, false, true }, DType.Bool);
    }

    [Fact]
    public void EmptyAndScalarTensors()
    {
        using var empty = Torch.FromArray(Array.Empty<float>(), [0, 3]);
        Assert.Equal(new long[] { 0, 3 }, empty.Shape);
        Assert.Empty(empty.ToArray<float>());
        using var s = Torch.Scalar(2.5, DType.Float64);
        Assert.Equal(0, s.Dim);
        Assert.Equal(2.5, s.Item());
        Assert.Equal(new[] { 2.5 }, s.ToArray<double>());
    }

    [Fact]
    public void MatMulOfKnownMatrices()
    {
        using var a = Torch.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var b = Torch.FromArray(new float[] { 7, 8, 9, 10, 11, 12 }, [3, 2]);
        using var c = a.MatMul(b);
        Assert.Equal(new long[] { 2, 2 }, c.Shape);
        Assert.Equal(new float[] { 58, 64, 139, 154 }, c.ToArray<float>());
        using var mm = a.Mm(b);
        Assert.Equal(c.ToArray<float>(), mm.ToArray<float>());
        using var v = Torch.FromArray(new float[] { 1, 0, -1 });
        using var av = a.MatMul(v);
        Assert.Equal(new float[] { -2, -2 }, av.ToArray<float>());
    }

    [Fact]
    public void EighOfKnownSymmetricMatrixReconstructsIt()
    {
        using var scope = Torch.NewDisposeScope();
        var s = Torch.FromArray(new double[] { 2, 1, 0, 1, 2, 0, 0, 0, 5 }, [3, 3]);
        var (values, vectors) = Linalg.Eigh(s);
        var l = values.ToArray<double>();
        Assert.Equal(1, l[0], 12);
        Assert.Equal(3, l[1], 12);
        Assert.Equal(5, l[2], 12);
        var rebuilt = (vectors * values.Unsqueeze(0)).MatMul(vectors.T);
        AssertClose(s.ToArray<double>(), rebuilt.ToArray<double>(), 1e-12);
        var identity = vectors.T.MatMul(vectors);
        using var eye = Torch.Eye(3, DType.Float64);
        AssertClose(eye.ToArray<double>(), identity.ToArray<double>(), 1e-12);
    }

    [Fact]
    public void SoftmaxRowsSumToOne()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(3);
        var x = Torch.Randn([4, 7], g) * 10.0;
        var p = x.Softmax(1);
        foreach (var s in p.Sum(1).ToArray<float>()) Assert.Equal(1f, s, 1e-5);
        Assert.True(p.Min().Item() >= 0);
        var logp = x.LogSoftmax(1).Exp();
        AssertClose(p.ToArray<float>(), logp.ToArray<float>(), 1e-6);
    }

    [Fact]
    public void InterpolateNearestShapeAndValues()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { 1, 2, 3, 4 }, [1, 1, 2, 2]);
        var up = F.Interpolate(x, scaleFactor: 2);
        Assert.Equal(new long[] { 1, 1, 4, 4 }, up.Shape);
        Assert.Equal(new float[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, up.ToArray<float>());
        var sized = F.Interpolate(Torch.Zeros([2, 3, 5, 7]), size: [4, 9]);
        Assert.Equal(new long[] { 2, 3, 4, 9 }, sized.Shape);
        var bilinear = F.Interpolate(x, size: [3, 3], mode: "bilinear", alignCorners: true);
        Assert.Equal(new float[] { 1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4 }, bilinear.ToArray<float>());
        Assert.Throws<ArgumentException>(() => F.Interpolate(x, size: [3, 3], scaleFactor: 2));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x, size: [3, 3], mode: "bicubic"));
    }

    [Fact]
    public void ChunkAndSplitCounts()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Arange(7);
        var chunks = x.Chunk(3);
        Assert.Equal(new long[] { 3, 3, 1 }, chunks.Select(c => c.Size(0)).ToArray());
        var splits = x.Split(2);
        Assert.Equal(new long[] { 2, 2, 2, 1 }, splits.Select(c => c.Size(0)).ToArray());
        Assert.Equal(new long[] { 6 }, splits[3].ToArray<long>());
        var m = Torch.Zeros([4, 6]);
        Assert.Equal(2, m.Chunk(2, 1).Length);
        Assert.Equal(new long[] { 4, 3 }, m.Chunk(2, 1)[1].Shape);
    }

    [Fact]
    public void IndexWithBoolMaskAndIntegerTensor()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { 10, 20, 30, 40, 50 });
        var mask = Torch.FromArray(new[] { true, false, true, false, true });
        Assert.Equal(new float[] { 10, 30, 50 }, x.Index(mask).ToArray<float>());
        Assert.Equal(new float[] { 10, 30, 50 }, x[mask].ToArray<float>());
        Assert.Equal(new float[] { 20, 30, 40 }, x[(x > 15).LogicalAnd(x < 45)].ToArray<float>());
        Assert.Equal(new float[] { 50, 10, 10 }, x[Torch.FromArray(new long[] { 4, 0, 0 })].ToArray<float>());
        var m = Torch.Arange(12, DType.Float32).View(3, 4);
        Assert.Equal(new float[] { 4, 5, 6, 7 }, m[1].ToArray<float>());
        Assert.Equal(new float[] { 8, 9, 10, 11 }, m[-1].ToArray<float>());
        Assert.Equal(new long[] { 2, 4 }, m[1..].Shape);
        Assert.Equal(new float[] { 1, 3, 5, 7, 9, 11 }, m.Slice(1, 1, null, 2).Contiguous().ToArray<float>());
    }

    [Fact]
    public void OpEscapeHatchCallsHardtanh()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { -3, -0.5f, 0.25f, 2 });
        var y = Torch.Op("aten::hardtanh", "", x, -1.0, 1.0);
        Assert.Equal(new float[] { -1, -0.5f, 0.25f, 1 }, y.ToArray<float>());
        var defaults = Torch.Op("aten::hardtanh", "", x); // min_val=-1, max_val=1 from the schema
        Assert.Equal(y.ToArray<float>(), defaults.ToArray<float>());
        var narrow = Torch.Op("aten::hardtanh", "", x, -0.1, 0.1);
        Assert.Equal(new float[] { -0.1f, -0.1f, 0.1f, 0.1f }, narrow.ToArray<float>());
    }

    [Fact]
    public void OpManyReturnsMaxDimValuesAndIndices()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { 1, 9, 3, 7, 2, 8 }, [2, 3]);
        var results = Torch.OpMany("aten::max", "dim", x, 1, false);
        Assert.Equal(2, results.Length);
        var values = Assert.IsType<Tensor>(results[0]);
        var indices = Assert.IsType<Tensor>(results[1]);
        Assert.Equal(new float[] { 9, 8 }, values.ToArray<float>());
        Assert.Equal(new long[] { 1, 2 }, indices.ToArray<long>());
        var (v, i) = x.Max(0);
        Assert.Equal(new float[] { 7, 9, 8 }, v.ToArray<float>());
        Assert.Equal(new long[] { 1, 0, 1 }, i.ToArray<long>());
        var split = Torch.OpMany("aten::split", "Tensor", Torch.Arange(5), 2, 0);
        var list = Assert.IsType<Tensor[]>(Assert.Single(split));
        Assert.Equal(3, list.Length);
    }

    [Fact]
    public void IntListArgumentBroadcastsFromOneInt()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(5);
        var x = Torch.Randn([1, 2, 7, 7], g);
        var w = Torch.Randn([3, 2, 3, 3], g);
        var viaInt = Torch.Op("aten::conv2d", "", x, w, null, 2, 1, 1, 1);
        var viaList = Torch.Op("aten::conv2d", "", x, w, null, new long[] { 2, 2 }, new long[] { 1, 1 }, new long[] { 1, 1 }, 1);
        var typed = F.Conv2d(x, w, stride: 2, padding: 1);
        Assert.Equal(new long[] { 1, 3, 4, 4 }, viaInt.Shape);
        Assert.Equal(viaList.ToArray<float>(), viaInt.ToArray<float>());
        Assert.Equal(viaList.ToArray<float>(), typed.ToArray<float>());
        var asymmetric = Torch.Op("aten::conv2d", "", x, w, null, new[] { 1, 2 }, 0, 1, 1);
        Assert.Equal(new long[] { 1, 3, 5, 3 }, asymmetric.Shape);
    }

    [Fact]
    public void RandnWithGeneratorIsReproducible()
    {
        using var scope = Torch.NewDisposeScope();
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var g3 = new Generator(43);
        var a = Torch.Randn([100], g1).ToArray<float>();
        var b = Torch.Randn([100], g2).ToArray<float>();
        var c = Torch.Randn([100], g3).ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var next = Torch.Randn([100], g1).ToArray<float>();
        Assert.NotEqual(a, next); // the stream advances
        g1.Seed(42);
        Assert.Equal(a, Torch.Randn([100], g1).ToArray<float>());
        var mean = a.Average();
        var variance = a.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.35, 0.35);
        Assert.InRange(variance, 0.6, 1.5);
    }

    [Fact]
    public void ManualSeedMakesTheGlobalStreamReproducible()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(7);
        var a = Torch.Randn([50]).ToArray<float>();
        var ua = Torch.Rand([20]).ToArray<float>();
        Torch.ManualSeed(7);
        var b = Torch.Randn([50]).ToArray<float>();
        var ub = Torch.Rand([20]).ToArray<float>();
        Torch.ManualSeed(8);
        var c = Torch.Randn([50]).ToArray<float>();
        Assert.Equal(a, b);
        Assert.Equal(ua, ub);
        Assert.NotEqual(a, c);
        Assert.All(ua, u => Assert.InRange(u, 0f, 1f));
    }

    [Fact]
    public void RandomIntegersAndPermutations()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(11);
        var r = Torch.Randint(3, 6, [200], g).ToArray<long>();
        Assert.All(r, v => Assert.InRange(v, 3L, 5L));
        Assert.Equal(3, r.Distinct().Count());
        var p = Torch.Randperm(10, g).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), p.Order());
    }

    [Fact]
    public void DTypeConversions()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { 1.7f, -1.7f, 0f, 2.5f });
        Assert.Equal(new long[] { 1, -1, 0, 2 }, x.To(DType.Int64).ToArray<long>());
        Assert.Equal(new int[] { 1, -1, 0, 2 }, x.To(DType.Int32).ToArray<int>());
        Assert.Equal(new[] { true, true, false, true }, x.To(DType.Bool).ToArray<bool>());
        Assert.Equal(new double[] { 1.7f, -1.7f, 0f, 2.5f }, x.Double().ToArray<double>());
        Assert.Equal(new byte[] { 1, 0, 1 }, Torch.FromArray(new[] { true, false, true }).To(DType.UInt8).ToArray<byte>());
        Assert.Equal(new float[] { 3, 4 }, Torch.FromArray(new long[] { 3, 4 }).Float().ToArray<float>());
        var h = x.To(DType.Float16);
        Assert.Equal(DType.Float16, h.DType);
        Assert.Equal(new Half[] { (Half)1.7f, (Half)(-1.7f), (Half)0f, (Half)2.5f }, h.ToArray<Half>());
        var same = x.To(Device.CPU, DType.Float64);
        Assert.Equal(DType.Float64, same.DType);
        Assert.Equal(Device.CPU, same.Device);
    }

    [Fact]
    public void DeviceParseAndFormat()
    {
        Assert.Equal(Device.CPU, Device.Parse("cpu"));
        Assert.Equal(Device.CPU, Device.Parse(" CPU "));
        Assert.Equal(Device.CUDA(0), Device.Parse("cuda"));
        Assert.Equal(Device.CUDA(1), Device.Parse("cuda:1"));
        Assert.Equal("cuda:3", Device.Parse("Cuda:3").ToString());
        Assert.Equal("cpu", Device.CPU.ToString());
        Assert.Throws<FormatException>(() => Device.Parse("gpu"));
        Assert.Throws<FormatException>(() => Device.Parse("cuda:-1"));
        Assert.Throws<FormatException>(() => Device.Parse("cuda:x"));
        Assert.False(Device.CPU.IsCuda);
        Assert.Equal(Cuda.DeviceCount > 0, Cuda.IsAvailable);
        if (!Cuda.IsAvailable) Assert.Equal(Device.CPU, Device.Best);
    }

    [Fact]
    public void CreationFunctions()
    {
        using var scope = Torch.NewDisposeScope();
        Assert.Equal(new float[] { 0, 0, 0, 0 }, Torch.Zeros([2, 2]).ToArray<float>());
        Assert.Equal(new double[] { 1, 1, 1 }, Torch.Ones([3], DType.Float64).ToArray<double>());
        Assert.Equal(new float[] { 2.5f, 2.5f }, Torch.Full([2], 2.5).ToArray<float>());
        Assert.Equal(new long[] { 7, 7 }, Torch.Full([2], 7, DType.Int64).ToArray<long>());
        Assert.Equal(new float[] { 1, 0, 0, 1 }, Torch.Eye(2).ToArray<float>());
        Assert.Equal(new long[] { 2, 5, 8 }, Torch.Arange(2, 10, 3).ToArray<long>());
        Assert.Equal(new float[] { 0, 0.25f, 0.5f, 0.75f, 1 }, Torch.Linspace(0, 1, 5).ToArray<float>());
        var like = Torch.OnesLike(Torch.Zeros([2, 3], DType.Float64));
        Assert.Equal(DType.Float64, like.DType);
        Assert.Equal(new long[] { 2, 3 }, like.Shape);
        Assert.Equal(new float[] { 4, 4 }, Torch.FullLike(Torch.Zeros([2]), 4).ToArray<float>());
        Assert.Equal(new long[] { 3, 4 }, Torch.Empty([3, 4]).Shape);
        Assert.StartsWith("1.", Torch.Version);
    }

    [Fact]
    public void ArithmeticWithScalarsAndBroadcasting()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { 1, 2, 4 });
        var col = Torch.FromArray(new float[] { 10, 20 }, [2, 1]);
        Assert.Equal(new float[] { 11, 12, 14, 21, 22, 24 }, (x + col).ToArray<float>());
        Assert.Equal(new float[] { 0, -1, -3 }, (1 - x).ToArray<float>());
        Assert.Equal(new float[] { 2, 1, 0.5f }, (2 / x).ToArray<float>());
        Assert.Equal(new float[] { -1, -2, -4 }, (-x).ToArray<float>());
        Assert.Equal(new float[] { 1, 0, 0 }, (x % 2).ToArray<float>());
        Assert.Equal(new float[] { 1, 4, 16 }, x.Pow(2).ToArray<float>());
        Assert.Equal(new float[] { 21, 42, 84 }, x.Add(x, 20).ToArray<float>());
        Assert.Equal(new float[] { 1, 2, 3 }, x.Clamp(max: 3).ToArray<float>());
        Assert.Equal(new float[] { 2, 2, 4 }, x.Clamp(min: 2).ToArray<float>());
        Assert.Equal(new float[] { 0, 2, 4 }, x.Where(x > 1.5, Torch.ZerosLike(x)).ToArray<float>());
        Assert.Equal(new float[] { 1, -5, -5 }, x.MaskedFill(x >= 2, -5).ToArray<float>());
        var y = x.Clone();
        y.AddInPlace(1).MulInPlace(2).SubInPlace(x);
        Assert.Equal(new float[] { 3, 4, 6 }, y.ToArray<float>());
    }

    [Fact]
    public void Reductions()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal(21, x.Sum().Item());
        Assert.Equal(new double[] { 5, 7, 9 }, x.Sum(0).ToArray<double>());
        Assert.Equal(new double[] { 2, 5 }, x.Mean(1).ToArray<double>());
        Assert.Equal(new long[] { 2, 1 }, x.Mean(1, keepDim: true).Shape);
        Assert.Equal(3.5, x.Var().Item(), 12);          // sample variance of 1..6
        Assert.Equal(35.0 / 12, x.Var(correction: 0).Item(), 12);
        Assert.Equal(new double[] { 1, 1 }, x.Var([1]).ToArray<double>());
        Assert.Equal(6, x.Max().Item());
        Assert.Equal(1, x.Min().Item());
        Assert.Equal(720, x.Prod().Item());
        Assert.Equal(new long[] { 2, 2 }, x.ArgMax(1).ToArray<long>());
        Assert.Equal(5, x.ArgMax().ItemLong());
        Assert.Equal(Math.Sqrt(91), x.Norm().Item(), 12);
        Assert.Equal(new double[] { 1, 3, 6, 4, 9, 15 }, x.CumSum(1).ToArray<double>());
        Assert.Equal(Math.Log(Math.Exp(4) + Math.Exp(5) + Math.Exp(6)), x.LogSumExp(1).ToArray<double>()[1], 12);
        Assert.True((x > 0.5).All().Item() != 0);
        Assert.False((x > 5.5).All().Item() != 0);
    }

    [Fact]
    public void ShapeOperations()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Arange(6).View(2, 3);
        Assert.Equal(new long[] { 0, 3, 1, 4, 2, 5 }, x.T.Contiguous().ToArray<long>());
        Assert.Equal(new long[] { 3, 2 }, x.Permute(1, 0).Shape);
        Assert.Equal(new long[] { 1, 2, 3 }, x.Unsqueeze(0).Shape);
        Assert.Equal(new long[] { 2, 3 }, x.Unsqueeze(0).Squeeze(0).Shape);
        Assert.Equal(new long[] { 6 }, x.Flatten().Shape);
        Assert.Equal(new long[] { 2, 1, 0, 5, 4, 3 }, x.Flip(1).ToArray<long>());
        Assert.Equal(new long[] { 2, 0, 1, 5, 3, 4 }, x.Roll(1, 1).ToArray<long>());
        Assert.Equal(new long[] { 1, 2, 4, 5 }, x.Narrow(1, 1, 2).Contiguous().ToArray<long>());
        Assert.Equal(new long[] { 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5 }, x.RepeatInterleave(2, 1).ToArray<long>());
        Assert.Equal(new long[] { 4, 3 }, x.Repeat(2, 1).Shape);
        Assert.Equal(new long[] { 2, 2, 3 }, x.Unsqueeze(0).Expand(2, 2, 3).Shape);
        Assert.Equal(new long[] { 0, 1, 2, 0, 4, 5 }, x.Triu().ToArray<long>());
        Assert.Equal(new long[] { 0, 0, 0, 3, 4, 0 }, x.Tril().ToArray<long>());
        Assert.Equal(new long[] { 0, 1, 0, 0, 0, 1 }, Torch.FromArray(new long[] { 1, 2 }).OneHot(3).ToArray<long>());
        var cat = Torch.Cat([x, x], 0);
        Assert.Equal(new long[] { 4, 3 }, cat.Shape);
        var stacked = Torch.Stack([x, x, x], 1);
        Assert.Equal(new long[] { 2, 3, 3 }, stacked.Shape);
        Assert.Equal(new long[] { 3, 4, 5 }, stacked[1][1].ToArray<long>());
        var g = x.Gather(1, Torch.FromArray(new long[] { 2, 0, 1, 1 }, [2, 2]));
        Assert.Equal(new long[] { 2, 0, 4, 4 }, g.ToArray<long>());
        Assert.Equal(new long[] { 3, 4, 5, 0, 1, 2 }, x.IndexSelect(0, Torch.FromArray(new long[] { 1, 0 })).ToArray<long>());
        Assert.Equal("Int64[2, 3] cpu", x.Describe());
    }

    [Fact]
    public void AliasSharesStorage()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Zeros([3]);
        var alias = x.Alias();
        alias.FillInPlace(2);
        Assert.Equal(new float[] { 2, 2, 2 }, x.ToArray<float>());
        alias.Dispose();
        Assert.Equal(new float[] { 2, 2, 2 }, x.ToArray<float>());
    }

    [Fact]
    public void IndexingWithNullDimensionsAndIndexPut()
    {
        using var scope = Torch.NewDisposeScope();
        var m = Torch.Arange(12, DType.Float32).View(3, 4);
        var cols = Torch.FromArray(new long[] { 3, 0 });
        Assert.Equal(new float[] { 3, 0, 7, 4, 11, 8 }, m.Index(null, cols).ToArray<float>());
        var rows = Torch.FromArray(new long[] { 0, 2 });
        Assert.Equal(new float[] { 3, 8 }, m.Index(rows, cols).ToArray<float>());
        var z = Torch.Zeros([5]);
        z.IndexPutInPlace([Torch.FromArray(new long[] { 1, 3, 1 })], Torch.FromArray(new float[] { 1, 2, 3 }), accumulate: true);
        Assert.Equal(new float[] { 0, 4, 0, 2, 0 }, z.ToArray<float>());
    }

    [Fact]
    public void OpAcceptsTensorListsAndScalars()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Ones([2]);
        var b = Torch.Zeros([1]);
        var list = new List<Tensor> { a, b, a };
        Assert.Equal(new float[] { 1, 1, 0, 1, 1 }, Torch.Op("aten::cat", "", list, 0).ToArray<float>());
        // A Tensor[] alone would bind to `params object?[]` itself (array covariance), so pass it as one object.
        Assert.Equal(new float[] { 1, 1, 0 }, Torch.Op("aten::cat", "", (object)new[] { a, b }).ToArray<float>());
        Assert.Equal(new float[] { 1, 1, 0 }, Torch.Op("aten::cat", "", new[] { a, b }, 0).ToArray<float>());
        Assert.Equal(new float[] { 3.5f, 3.5f }, Torch.Op("aten::add", "Scalar", a, 2.5).ToArray<float>());
        Assert.Equal(new float[] { 7, 7 }, Torch.Op("aten::add", "Tensor", a, a, 6).ToArray<float>()); // alpha = 6
        Assert.Equal(DType.Float64, Torch.Op("aten::to", "dtype", a, DType.Float64).DType);
        Assert.Equal(new long[] { 3, 2 }, Torch.Op("aten::zeros", "", new long[] { 3, 2 }, DType.Int32, null, Device.CPU, null).Shape);
    }

    [Fact]
    public void RandomInPlaceAndMultinomialUseTheGenerator()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(99);
        var a = Torch.Empty([20]).NormalInPlace(5, 0.01, g).ToArray<float>();
        Assert.All(a, v => Assert.InRange(v, 4.9f, 5.1f));
        var u = Torch.Empty([20]).UniformInPlace(-2, -1, g).ToArray<float>();
        Assert.All(u, v => Assert.InRange(v, -2f, -1f));
        var probabilities = Torch.FromArray(new float[] { 0, 0, 1, 0, 0, 1, 0, 0 }, [2, 4]);
        Assert.Equal(new long[] { 2, 1 }, Torch.Multinomial(probabilities, 1, generator: g).ToArray<long>());
        g.Seed(5);
        var first = Torch.RandnLike(Torch.Zeros([3])).Shape;
        Assert.Equal(new long[] { 3 }, first);
    }

    [Fact]
    public void MetadataOfManyDimensionsAndTextForm()
    {
        using var scope = Torch.NewDisposeScope();
        var shape = Enumerable.Repeat(1L, 20).ToArray();
        shape[19] = 3;
        var t = Torch.Zeros(shape);
        Assert.Equal(shape, t.Shape);
        Assert.Equal(20, t.Dim);
        Assert.Equal(3, t.Size(-1));
        Assert.Equal(new long[] { 3 }, t.Squeeze().Shape);
        var printed = Torch.FromArray(new float[] { 1.5f, 2 }).ToString();
        Assert.Contains("1.5", printed);
        Assert.True(Torch.NumThreads >= 1);
        Assert.Equal(1.0, Torch.FromArray(new[] { true }).Item());
        Assert.Equal(Math.Sqrt(3.5), Torch.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }).Std().Item(), 12);
    }

    [Fact]
    public void BilinearInterpolateByScaleFactor()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { 0, 4 }, [1, 1, 1, 2]);
        var y = F.Interpolate(x, scaleFactor: 2, mode: "bilinear");
        Assert.Equal(new long[] { 1, 1, 2, 4 }, y.Shape);
        Assert.Equal(new float[] { 0, 1, 3, 4, 0, 1, 3, 4 }, y.ToArray<float>()); // half-pixel centres, edges clamped
    }

    internal static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    internal static void AssertClose(float[] expected, float[] actual, double tolerance) =>
        AssertClose(Array.ConvertAll(expected, v => (double)v), Array.ConvertAll(actual, v => (double)v), tolerance);
}
