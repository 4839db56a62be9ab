using System.Runtime.CompilerServices;

namespace RandCond.Tests.Notebooks;

internal static class Fixtures
{
    /// <summary>tests/Notebooks/fixtures, found from this source file so no project item has to copy them.</summary>
    public static string Folder { get; } = Path.Combine(Path.GetDirectoryName(ThisFile())!, "fixtures");

    public static string PathOf(string name) => Path.Combine(Folder, name);

    private static string ThisFile([CallerFilePath] string path = "") => path;
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "randcond-nb-" + Guid.NewGuid().ToString("N")[..8]);

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Copies a fixture in and returns the copy's path.</summary>
    public string CopyFixture(string name)
    {
        var target = Combine(name);
        File.Copy(Fixtures.PathOf(name), target);
        return target;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
