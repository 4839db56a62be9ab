using RandCond.Tests.Tensors;
using RandCond.Data;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Data;

[Collection("datasets")]
public class DatasetTests(DatasetsFixture data)
{
    // Class counts of the MNIST test set, as published with the dataset.
    private static readonly long[] MnistTestCounts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

    [Fact]
    public void MnistLoadsWithShapesRangeAndHistograms()
    {
        Assert.Equal([60000L, 1, 28, 28], data.MnistTrain.Images.Shape);
        Assert.Equal([60000L], data.MnistTrain.Labels.Shape);
        Assert.Equal([10000L, 1, 28, 28], data.MnistTest.Images.Shape);
        Assert.Equal(DType.Float32, data.MnistTest.Images.DType);
        Assert.Equal(DType.Int64, data.MnistTest.Labels.DType);
        using (var min = data.MnistTest.Images.Min()) Assert.Equal(0.0, min.Item());
        using (var max = data.MnistTest.Images.Max()) Assert.Equal(1.0, max.Item());

        var test = data.MnistTest.ClassCounts();
        Assert.Equal(10000, test.Sum());
        Assert.Equal(MnistTestCounts, test);
        var train = data.MnistTrain.ClassCounts();
        Assert.Equal(60000, train.Sum());
        Assert.All(train, c => Assert.InRange(c, 5000, 7000));
        Assert.Equal("seven", data.MnistTest.ClassNames[7]);
    }

    [Fact]
    public void FashionMnistLoadsFromGzipWithBalancedClasses()
    {
        Assert.Equal([60000L, 1, 28, 28], data.FashionTrain.Images.Shape);
        Assert.Equal([10000L, 1, 28, 28], data.FashionTest.Images.Shape);
        Assert.All(data.FashionTrain.ClassCounts(), c => Assert.Equal(6000, c));
        Assert.All(data.FashionTest.ClassCounts(), c => Assert.Equal(1000, c));
        Assert.Equal("Ankle boot", data.FashionTest.ClassNames[9]);
        using var mean = data.FashionTest.Images.Mean();
        Assert.InRange(mean.Item(), 0.2, 0.4); // Fashion-MNIST's mean pixel is about 0.286
    }

    [Fact]
    public void BatchesCoverEveryIndexOncePerEpochAndMatchTheData()
    {
        var set = data.MnistTest;
        using var generator = new Generator(7);
        var seen = new List<long>();
        int batches = 0;
        foreach (var batch in set.Batches(512, generator))
        {
            using (batch)
            {
                batches++;
                var indices = TensorValues.Longs(batch.Indices);
                seen.AddRange(indices);
                Assert.Equal([batch.Count, 1L, 28, 28], batch.Images.Shape);
                using var expectedLabels = set.Labels.IndexSelect(0, batch.Indices);
                Assert.Equal(TensorValues.Longs(expectedLabels), TensorValues.Longs(batch.Labels));
                using var expectedImages = set.Images.IndexSelect(0, batch.Indices);
                using var same = expectedImages.Eq(batch.Images).All();
                Assert.True(same.Item() != 0);
            }
        }
        Assert.Equal(20, batches);
        Assert.Equal(Enumerable.Range(0, 10000).Select(i => (long)i), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 10000).Select(i => (long)i), seen); // shuffled
    }

    [Fact]
    public void BatchOrderIsReproducibleBySeed()
    {
        long[] Epoch(ulong seed, bool dropLast)
        {
            using var generator = new Generator(seed);
            var order = new List<long>();
            foreach (var batch in data.MnistTest.Batches(1000, generator, dropLast))
                using (batch) order.AddRange(TensorValues.Longs(batch.Indices));
            return [.. order];
        }
        Assert.Equal(Epoch(3, false), Epoch(3, false));
        Assert.NotEqual(Epoch(3, false), Epoch(4, false));

        using var g = new Generator(1);
        var sizes = data.MnistTest.Batches(3000, g, dropLast: true).Select(b => { using (b) return b.Count; }).ToArray();
        Assert.Equal([3000L, 3000, 3000], sizes);
    }

    [Fact]
    public void AnEpochLeaksNoTensors()
    {
        using var generator = new Generator(11);
        var test = data.MnistTest;   // the fixture loads the dataset (two tensors it keeps) on first use
        long before = LiveTensors.Settled();
        foreach (var batch in test.Batches(2500, generator, device: Device.CPU)) batch.Dispose();
        using (var scope = Torch.NewDisposeScope())
            foreach (var batch in test.Batches(2500, generator)) { }
        Assert.Equal(before, Tensor.LiveCount);
    }
}
