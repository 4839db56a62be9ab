namespace RandCond.Plotting;

/// <summary>Finds the headless chromium that renders charts (Debian package "chromium").</summary>
public static class Chromium
{
    public const string EnvironmentVariable = "RANDCOND_CHROMIUM";

    private static readonly string[] Names = { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" };

    /// <summary>The executable named by RANDCOND_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH.</summary>
    public static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            if (File.Exists(fromEnv)) return fromEnv;
            throw new PlottingDependencyException(
                $"{EnvironmentVariable} is set to '{fromEnv}', but no file is there. Point it at a chromium executable, or unset it and run scripts/install/plotting.sh (apt-get install chromium).");
        }
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in Names)
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new PlottingDependencyException(
            $"Headless chromium not found: {EnvironmentVariable} is not set and none of {string.Join(", ", Names)} is on PATH ({string.Join(Path.PathSeparator, dirs)}). " +
            "Fix: run scripts/install/plotting.sh (apt-get install chromium), or set RANDCOND_CHROMIUM to the executable.");
    }
}
