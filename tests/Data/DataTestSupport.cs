using RandCond.Data;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Data;

/// <summary>The real datasets, loaded once for every test of the "datasets" collection.</summary>
public sealed class DatasetsFixture : IDisposable
{
    private readonly Lazy<ImageDataset> mnistTrain = new(() => ImageDataset.Mnist(DatasetSplit.Train));
    private readonly Lazy<ImageDataset> mnistTest = new(() => ImageDataset.Mnist(DatasetSplit.Test));
    private readonly Lazy<ImageDataset> fashionTrain = new(() => ImageDataset.FashionMnist(DatasetSplit.Train));
    private readonly Lazy<ImageDataset> fashionTest = new(() => ImageDataset.FashionMnist(DatasetSplit.Test));

    public ImageDataset MnistTrain => mnistTrain.Value;
    public ImageDataset MnistTest => mnistTest.Value;
    public ImageDataset FashionTrain => fashionTrain.Value;
    public ImageDataset FashionTest => fashionTest.Value;

    public void Dispose()
    {
        foreach (var d in new[] { mnistTrain, mnistTest, fashionTrain, fashionTest })
            if (d.IsValueCreated) d.Value.Dispose();
    }
}

[CollectionDefinition("datasets")]
public sealed class DatasetsCollection : ICollectionFixture<DatasetsFixture>;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "randcond-data-" + Guid.NewGuid().ToString("N")[..8]);

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class TensorValues
{
    public static long[] Longs(Tensor t)
    {
        using var cpu = t.Cpu();
        return cpu.ToArray<long>();
    }

    public static float[] Floats(Tensor t)
    {
        using var cpu = t.Cpu();
        return cpu.ToArray<float>();
    }
}
