using RandCond.Metrics;
using RandCond.Nn;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Metrics;

public class ClassifierCheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rc-classifier-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Runs one training step so that batch-norm running statistics differ from their initial values.</summary>
    private static void Perturb(DomainClassifier net)
    {
        using var scope = Torch.NewDisposeScope();
        var (images, labels) = SyntheticImages.Draw(64, seed: 30);
        new ClassifierTrainer(new ClassifierTrainingOptions { Epochs = 1, BatchSize = 64 }).Train(net, images, labels);
    }

    [Theory]
    [InlineData(LeNetClassifier.Name)]
    [InlineData(ResNetClassifier.Name)]
    public void SaveThenLoadGivesIdenticalLogitsAndFeatures(string architecture)
    {
        using var scope = Torch.NewDisposeScope();
        using DomainClassifier net = architecture == LeNetClassifier.Name
            ? TrainedClassifierFixture.Small()
            : new ResNetClassifier(width: 8, blocksPerStage: 1);
        Perturb(net);
        net.Eval();
        var (images, _) = SyntheticImages.Draw(16, seed: 31);
        using var before = net.ForwardWithFeatures(images);
        var path = Path.Combine(dir, $"{architecture}.safetensors");
        var date = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        ClassifierCheckpoint.Save(path, net, "synthetic-blobs", 0.987, date);

        var (loaded, info) = ClassifierCheckpoint.Load(path);
        using var _ = loaded;
        using var after = loaded.ForwardWithFeatures(images);
        Assert.Equal(before.Logits.ToArray<float>(), after.Logits.ToArray<float>());
        Assert.Equal(before.Features.ToArray<float>(), after.Features.ToArray<float>());
        Assert.Equal(architecture, info.Architecture);
        Assert.Equal("synthetic-blobs", info.Dataset);
        Assert.Equal(0.987, info.TestAccuracy);
        Assert.Equal(date, info.Date);
        Assert.Equal(net.GetType(), loaded.GetType());
        Assert.Equal(net.FeatureDim, loaded.FeatureDim);
        Assert.Equal(ClassifierFingerprints.Of(net), ClassifierFingerprints.Of(loaded));
        Assert.Contains(Safetensors.ReadHeader(path).Entries, e => e.Name.EndsWith("running_var"));
    }

    [Fact]
    public void FeaturesAndLogitsHaveTheAdvertisedWidths()
    {
        using var scope = Torch.NewDisposeScope();
        var images = Torch.Zeros([3, 1, 28, 28]);
        using var lenet = new LeNetClassifier();
        using var resnet = new ResNetClassifier();
        foreach (var (net, features) in new (DomainClassifier, long)[] { (lenet, 128), (resnet, 128) })
        {
            net.Eval();
            var output = net.ForwardWithFeatures(images);
            Assert.Equal(new long[] { 3, features }, output.Features.Shape);
            Assert.Equal(new long[] { 3, 10 }, output.Logits.Shape);
            Assert.Equal(features, net.FeatureDim);
        }
        Assert.Contains("(N, 1, 28, 28)", Assert.Throws<ArgumentException>(() => lenet.Forward(Torch.Zeros([3, 1, 32, 32]))).Message);
    }

    [Fact]
    public void AFileWithoutClassifierMetadataIsRejected()
    {
        using var scope = Torch.NewDisposeScope();
        var path = Path.Combine(dir, "plain.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Torch.Zeros([2]) });
        var e = Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.Load(path));
        Assert.Contains("test_accuracy", e.Message);
    }
}
