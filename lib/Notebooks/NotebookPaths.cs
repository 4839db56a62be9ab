using RandCond.Experiments;

namespace RandCond.Notebooks;

/// <summary>
/// Where a running notebook is, under any kernel: notebooks call this instead of a kernel's own globals, so the same
/// cells run in RandCond's kernel and runner and in .NET Interactive's <c>.net-csharp</c>.
/// </summary>
public static class NotebookPaths
{
    private static readonly AsyncLocal<string?> running = new();

    /// <summary>
    /// The folder of the notebook whose cells are running: the one RandCond's cell executor was given (its kernel and
    /// headless runner), else the current directory, which is where Jupyter starts a kernel (so .NET Interactive's).
    /// </summary>
    public static string Folder => running.Value ?? Environment.CurrentDirectory;

    /// <summary>The repository root (see <see cref="RepoPaths"/>).</summary>
    public static string RepositoryRoot => RepoPaths.RequireRoot();

    /// <summary>A path relative to the notebook's folder, made absolute; an absolute path comes back normalized.</summary>
    public static string Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException("NotebookPaths.Resolve: the path is empty; give a folder or file relative to the notebook, or an absolute one.", nameof(path));
        return Path.GetFullPath(Path.Combine(Folder, path));
    }

    /// <summary>Makes <paramref name="folder"/> the notebook folder for the calling flow and what it starts (cells run inside it).</summary>
    internal static void EnterFolder(string folder) => running.Value = folder;
}
