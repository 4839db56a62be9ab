using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace RandCond.Data;

/// <summary>The IDX files of one split of a dataset.</summary>
public readonly record struct DatasetFiles(string Images, string Labels);

/// <summary>
/// Finds the installed dataset files and checks them against their SHA-256 manifest. Files live in
/// <c>$RANDCOND_DATA/&lt;slug&gt;</c> if that variable is set, else in the repository's <c>.cache/datasets/&lt;slug&gt;</c>
/// (the repository is found by walking up from the current directory, then from the assembly's directory).
/// Manifests are the repository's <c>data/&lt;slug&gt;.sha256</c>, or, outside the repository, the copy the install
/// script leaves in each dataset folder (<c>SHA256SUMS</c>). Each file is hashed once per process.
/// </summary>
public sealed class DatasetStore
{
    public const string EnvironmentVariable = "RANDCOND_DATA";
    public const string InstallScript = "scripts/install/datasets.sh";
    private const string RepositoryMarker = "RandCond.Lib.csproj";

    // Verified files by full path, with the length and write time they had when hashed.
    private static readonly ConcurrentDictionary<string, (long Length, DateTime Written, string Sha256)> Hashes = new();
    private static readonly Lazy<DatasetStore> DefaultStore = new(Locate);

    /// <param name="dataRoot">The folder holding one folder per dataset (mnist/, fashion-mnist/).</param>
    /// <param name="manifestFolder">The folder holding &lt;slug&gt;.sha256 manifests; null: each dataset folder's SHA256SUMS.</param>
    public DatasetStore(string dataRoot, string? manifestFolder = null)
    {
        DataRoot = Path.GetFullPath(dataRoot);
        ManifestFolder = manifestFolder is null ? null : Path.GetFullPath(manifestFolder);
    }

    /// <summary>The store of this process: <c>$RANDCOND_DATA</c> or the repository's cache (see the class summary).</summary>
    public static DatasetStore Default => DefaultStore.Value;

    public string DataRoot { get; }
    public string? ManifestFolder { get; }

    public string Folder(DatasetKind kind) => Path.Combine(DataRoot, kind.Slug());

    public string ManifestPath(DatasetKind kind) =>
        ManifestFolder is null ? Path.Combine(Folder(kind), "SHA256SUMS") : Path.Combine(ManifestFolder, kind.Slug() + ".sha256");

    /// <summary>
    /// The verified files of one split (a split is usable alone: the other split's files need not be installed); throws
    /// with the fix when they are missing or differ from the manifest.
    /// </summary>
    public DatasetFiles Files(DatasetKind kind, DatasetSplit split)
    {
        var manifest = ReadManifest(kind);
        var images = Find(kind, manifest, DatasetKinds.FileStem(split, images: true));
        var labels = Find(kind, manifest, DatasetKinds.FileStem(split, images: false));
        Check(kind, images);
        Check(kind, labels);
        return new DatasetFiles(Path.Combine(Folder(kind), images.FileName), Path.Combine(Folder(kind), labels.FileName));
    }

    /// <summary>Checks every file the manifest names (hashing each once per process) and returns the manifest.</summary>
    public IReadOnlyList<ManifestEntry> Verify(DatasetKind kind)
    {
        var manifest = ReadManifest(kind);
        foreach (var entry in manifest) Check(kind, entry);
        return manifest;
    }

    private IReadOnlyList<ManifestEntry> ReadManifest(DatasetKind kind)
    {
        var manifestPath = ManifestPath(kind);
        if (!File.Exists(manifestPath)) throw NotInstalled(kind, manifestPath);
        return ManifestEntry.ReadAll(manifestPath);
    }

    private void Check(DatasetKind kind, ManifestEntry entry)
    {
        var path = Path.Combine(Folder(kind), entry.FileName);
        if (!File.Exists(path)) throw NotInstalled(kind, path);
        var actual = Sha256Of(path);
        if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"{path}: SHA-256 is {actual}, but {ManifestPath(kind)} expects {entry.Sha256}; the file is damaged or modified. " +
                $"Delete it and run {InstallScript}.");
    }

    /// <summary>The lower-case hex SHA-256 of a file, computed once per process while its length and write time stay the same.</summary>
    public static string Sha256Of(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (Hashes.TryGetValue(full, out var known) && known.Length == info.Length && known.Written == info.LastWriteTimeUtc)
            return known.Sha256;
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        Hashes[full] = (info.Length, info.LastWriteTimeUtc, hash);
        return hash;
    }

    /// <summary>The repository root (the folder holding RandCond.Lib.csproj) above the current or the assembly's directory.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, RepositoryMarker))) return dir.FullName;
        return null;
    }

    private static DatasetStore Locate()
    {
        var repo = FindRepositoryRoot();
        var manifests = repo is null ? null : Path.Combine(repo, "data");
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return new DatasetStore(fromEnvironment, manifests);
        if (repo is null)
            throw new InvalidOperationException(
                $"cannot find the dataset cache: set {EnvironmentVariable} to the folder {InstallScript} installed into, " +
                $"or run from inside the RandCond repository (no {RepositoryMarker} above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory})");
        return new DatasetStore(Path.Combine(repo, ".cache", "datasets"), manifests);
    }

    private ManifestEntry Find(DatasetKind kind, IReadOnlyList<ManifestEntry> manifest, string stem) =>
        manifest.FirstOrDefault(e => e.FileName == stem || e.FileName == stem + ".gz")
        ?? throw new InvalidDataException($"{ManifestPath(kind)}: names no file {stem} or {stem}.gz");

    private FileNotFoundException NotInstalled(DatasetKind kind, string missing) =>
        new($"{kind.DisplayName()} is not installed: {missing} is missing. Run {InstallScript} " +
            $"(it installs into ${EnvironmentVariable} if set, else into the repository's .cache/datasets; this store reads {DataRoot}).", missing);
}
