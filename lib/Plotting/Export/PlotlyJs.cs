namespace RandCond.Plotting;

/// <summary>Where plotly.js comes from: the npm package plotly.js-dist-min installed by scripts/install/plotting.sh.</summary>
public static class PlotlyJs
{
    /// <summary>The version pinned by scripts/install/plotting.sh.</summary>
    public const string Version = "4.1.2";

    public const string EnvironmentVariable = "RANDCOND_PLOTLYJS";

    private const string RelativePath = ".cache/npm/node_modules/plotly.js-dist-min/plotly.min.js";

    /// <summary>
    /// Full path of plotly.min.js: the file named by RANDCOND_PLOTLYJS, else the first
    /// .cache/npm/node_modules/plotly.js-dist-min/plotly.min.js found walking up from this library's
    /// folder, then from the program's, then from the current directory.
    /// </summary>
    public static string Locate()
    {
        var searched = new List<string>();
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            if (File.Exists(fromEnv)) return Path.GetFullPath(fromEnv);
            throw new PlottingDependencyException(
                $"{EnvironmentVariable} is set to '{fromEnv}', but no file is there. Point it at plotly.min.js of the npm package plotly.js-dist-min, or unset it and run scripts/install/plotting.sh.");
        }
        // This library's folder first: under a host outside the repository (.NET Interactive's kernel runs from its
        // tool folder) only the folder the library was built into leads back to the repository's .cache.
        var libraryFolder = Path.GetDirectoryName(typeof(PlotlyJs).Assembly.Location);
        foreach (var start in new[] { libraryFolder, AppContext.BaseDirectory, Directory.GetCurrentDirectory() }.OfType<string>().Where(s => s.Length > 0))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativePath);
                if (File.Exists(candidate)) return candidate;
                searched.Add(candidate);
            }
        }
        throw new PlottingDependencyException(
            $"plotly.js not found. {EnvironmentVariable} is not set, and none of these files exist:{Environment.NewLine}  " +
            string.Join(Environment.NewLine + "  ", searched.Distinct()) + Environment.NewLine +
            $"Fix: run scripts/install/plotting.sh in the repository (npm install plotly.js-dist-min@{Version} into .cache/npm), " +
            $"or set {EnvironmentVariable} to the full path of plotly.min.js.");
    }

    internal static string LocateAsFileUri() => new Uri(Locate()).AbsoluteUri;

    /// <summary>The script text, made safe to inline inside a script element.</summary>
    internal static string ReadInlineable() =>
        File.ReadAllText(Locate()).Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
}
