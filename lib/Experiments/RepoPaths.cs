namespace RandCond.Experiments;

/// <summary>
/// Where the project's own files are: the repository root (found by walking up from the current directory, then
/// from this assembly, to the folder holding RandCond.Lib.csproj), or $RANDCOND_HOME.
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string?> root = new(Find);

    public static string? Root => root.Value;

    public static string RequireRoot() => Root ?? throw new DirectoryNotFoundException(
        "RandCond: cannot find the repository (a folder holding RandCond.Lib.csproj) above the current directory or " +
        "the program; run from inside the repository or set RANDCOND_HOME.");

    public static string Data(params string[] parts) => Path.Combine([RequireRoot(), "data", .. parts]);
    public static string Results(params string[] parts) => Path.Combine([RequireRoot(), "results", .. parts]);

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("RANDCOND_HOME");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RandCond.Lib.csproj"))) return dir.FullName;
        return null;
    }
}
