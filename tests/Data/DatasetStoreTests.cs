using RandCond.Data;
using Xunit;

namespace RandCond.Tests.Data;

public class DatasetStoreTests : IDisposable
{
    private readonly ScratchFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string RepositoryFile(params string[] parts) =>
        Path.Combine([DatasetStore.FindRepositoryRoot() ?? throw new InvalidOperationException("tests run inside the repository"), .. parts]);

    /// <summary>A store in the scratch folder holding copies of MNIST's two label files, with a manifest of their real sums.</summary>
    private DatasetStore LabelOnlyStore()
    {
        var installed = DatasetStore.Default;
        var dataset = Path.Combine(folder.Path, "data", "mnist");
        Directory.CreateDirectory(dataset);
        var manifest = ManifestEntry.ReadAll(RepositoryFile("data", "mnist.sha256")).Where(e => e.FileName.Contains("labels")).ToArray();
        foreach (var e in manifest) File.Copy(Path.Combine(installed.Folder(DatasetKind.Mnist), e.FileName), Path.Combine(dataset, e.FileName));
        File.WriteAllLines(Path.Combine(folder.Path, "mnist.sha256"), manifest.Select(e => $"{e.Sha256}  {e.FileName}"));
        return new DatasetStore(Path.Combine(folder.Path, "data"), folder.Path);
    }

    [Fact]
    public void DefaultStoreUsesTheRepositoryCacheAndManifests()
    {
        var store = DatasetStore.Default;
        if (Environment.GetEnvironmentVariable(DatasetStore.EnvironmentVariable) is null)
            Assert.Equal(RepositoryFile(".cache", "datasets"), store.DataRoot);
        Assert.Equal(RepositoryFile("data", "fashion-mnist.sha256"), store.ManifestPath(DatasetKind.FashionMnist));
        var files = store.Files(DatasetKind.FashionMnist, DatasetSplit.Test);
        Assert.EndsWith("t10k-images-idx3-ubyte.gz", files.Images);
        Assert.EndsWith("t10k-labels-idx1-ubyte.gz", files.Labels);
        Assert.EndsWith("train-images-idx3-ubyte", store.Files(DatasetKind.Mnist, DatasetSplit.Train).Images);
    }

    [Fact]
    public void VerificationDetectsAModifiedFile()
    {
        var store = LabelOnlyStore();
        Assert.Equal(2, store.Verify(DatasetKind.Mnist).Count);

        var path = Path.Combine(store.Folder(DatasetKind.Mnist), "t10k-labels-idx1-ubyte");
        var bytes = File.ReadAllBytes(path);
        bytes[5000] ^= 1;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => store.Verify(DatasetKind.Mnist));
        Assert.Contains(path, e.Message);
        Assert.Contains("SHA-256", e.Message);
        Assert.Contains(DatasetStore.InstallScript, e.Message);
    }

    [Fact]
    public void MissingFilesSayToRunTheInstallScript()
    {
        var store = LabelOnlyStore();
        File.Delete(Path.Combine(store.Folder(DatasetKind.Mnist), "train-labels-idx1-ubyte"));
        var e = Assert.Throws<FileNotFoundException>(() => store.Verify(DatasetKind.Mnist));
        Assert.Contains("scripts/install/datasets.sh", e.Message);
        Assert.Contains("train-labels-idx1-ubyte", e.Message);

        var empty = new DatasetStore(folder.Combine("nothing"));
        var missing = Assert.Throws<FileNotFoundException>(() => ImageDataset.Load(DatasetKind.FashionMnist, DatasetSplit.Test, store: empty));
        Assert.Contains("Fashion-MNIST is not installed", missing.Message);
    }

    [Fact]
    public void OneSplitIsUsableWithoutTheOther()
    {
        var installed = DatasetStore.Default;
        var dataset = Path.Combine(folder.Path, "test-only", "mnist");
        Directory.CreateDirectory(dataset);
        foreach (var name in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.Copy(Path.Combine(installed.Folder(DatasetKind.Mnist), name), Path.Combine(dataset, name));
        var store = new DatasetStore(Path.Combine(folder.Path, "test-only"), RepositoryFile("data"));

        Assert.EndsWith("t10k-images-idx3-ubyte", store.Files(DatasetKind.Mnist, DatasetSplit.Test).Images);
        var e = Assert.Throws<FileNotFoundException>(() => store.Files(DatasetKind.Mnist, DatasetSplit.Train));
        Assert.Contains("train-images-idx3-ubyte", e.Message);
        Assert.Throws<FileNotFoundException>(() => store.Verify(DatasetKind.Mnist));
    }

    [Fact]
    public void MalformedManifestNamesTheLine()
    {
        var path = folder.Combine("bad.sha256");
        File.WriteAllLines(path, ["0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte", "not a sum"]);
        var e = Assert.Throws<InvalidDataException>(() => ManifestEntry.ReadAll(path));
        Assert.Contains($"{path}:2", e.Message);
    }
}
