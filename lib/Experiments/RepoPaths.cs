namespace RandCond.Experiments;

/// <summary>
/// Where the project's own files are: the repository root (found by walking up from the current directory, then from
/// the program, then from this library's assembly, to the folder holding RandCond.Lib.csproj), or $RANDCOND_HOME.
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

    /// <summary>Machine-local, ignored by git: datasets, image sets, checkpoints, the run store.</summary>
    public static string Cache(params string[] parts) => Path.Combine([RequireRoot(), ".cache", .. parts]);

    /// <summary>
    /// Where an experiment at the named scale writes its records: results/, except for the smoke scale, which checks the
    /// machinery (tests, CI) and whose numbers mean nothing: .cache/smoke-results. The folder exists on return.
    /// </summary>
    public static string ResultsFor(string scale)
    {
        var folder = scale == "smoke" ? Cache("smoke-results") : Results();
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("RANDCOND_HOME");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        // This assembly's folder finds the repository that built it from a program outside it (e.g. .NET Interactive).
        var assemblyFolder = Path.GetDirectoryName(typeof(RepoPaths).Assembly.Location);
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, assemblyFolder }.OfType<string>().Where(s => s.Length > 0))
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RandCond.Lib.csproj"))) return dir.FullName;
        return null;
    }
}
