using System.Diagnostics;

namespace RandCond.Plotting;

/// <summary>Runs headless chromium (Debian package "chromium") offline, each run with a fresh profile.</summary>
public static class Chromium
{
    public const string EnvironmentVariable = "RANDCOND_CHROMIUM";

    private static readonly string[] Names = { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" };

    /// <summary>Default limit for one chromium run.</summary>
    public static TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(90);

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

    /// <summary>
    /// Loads a page (file path or URL) in headless chromium, lets scripts run for the given virtual time,
    /// and returns the serialized DOM. Useful to check that generated HTML really draws.
    /// </summary>
    public static string DumpDom(string pathOrUrl, int virtualTimeBudgetMs = 30000, TimeSpan? timeout = null)
    {
        var url = File.Exists(pathOrUrl) ? new Uri(Path.GetFullPath(pathOrUrl)).AbsoluteUri : pathOrUrl;
        return Run(url, new[] { "--dump-dom", $"--virtual-time-budget={virtualTimeBudgetMs}" }, timeout ?? DefaultTimeout);
    }

    /// <summary>Runs chromium on <paramref name="url"/> with the given mode arguments and returns its standard output.</summary>
    internal static string Run(string url, IEnumerable<string> modeArguments, TimeSpan timeout)
    {
        var exe = Locate();
        var profile = Directory.CreateTempSubdirectory("randcond-chromium-");
        try
        {
            var start = new ProcessStartInfo(exe)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--allow-file-access-from-files", $"--user-data-dir={profile.FullName}",
            }) start.ArgumentList.Add(arg);
            foreach (var arg in modeArguments) start.ArgumentList.Add(arg);
            start.ArgumentList.Add(url);

            using var process = Process.Start(start)
                ?? throw new PlottingDependencyException($"Could not start chromium at '{exe}'.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                throw new PlottingDependencyException(
                    $"Chromium ('{exe}') did not finish within {timeout.TotalSeconds:0.###} s rendering {url}. " +
                    $"Raise Chromium.DefaultTimeout or the timeout argument for large figures. Last stderr: {Tail(stderr)}");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new PlottingDependencyException($"Chromium ('{exe}') exited with code {process.ExitCode} on {url}. Stderr: {Tail(stderr)}");
            return stdout.Result;
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Tail(Task<string> stderr)
    {
        if (!stderr.Wait(TimeSpan.FromSeconds(2))) return "(unavailable)";
        var text = stderr.Result.Trim();
        return text.Length <= 2000 ? text : "..." + text[^2000..];
    }
}
