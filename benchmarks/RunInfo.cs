using System.Diagnostics;
using System.Runtime.InteropServices;
using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>What a result file records about the run: machine, versions, commit, command, date.</summary>
internal static class RunInfo
{
    private static readonly Lazy<string?> repoRoot = new(FindRepoRoot);

    /// <summary>The repository root (the folder holding RandCond.Lib.csproj) above the current folder or the exe, if any.</summary>
    public static string? RepoRoot => repoRoot.Value;

    private static string? FindRepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RandCond.Lib.csproj"))) return dir.FullName;
        }
        return null;
    }

    public static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal))
                    return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static string DeviceDescription(Device device) =>
        device.IsCuda ? Cuda.DeviceName(device.Index) : $"{CpuModel()} ({Environment.ProcessorCount} cores)";

    public static string GitCommit() => RandCond.Experiments.RunRecord.Commit();

    /// <summary>/proc/loadavg's 1-, 5- and 15-minute averages: other work on the machine skews timings.</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }

    public static string CommandLine()
    {
        var args = Environment.GetCommandLineArgs();
        var exe = Environment.ProcessPath ?? args[0];
        return string.Join(' ', new[] { exe }.Concat(args.Skip(1)).Select(Quote));
    }

    private static string Quote(string s) => s.Length > 0 && !s.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? s : "'" + s.Replace("'", "'\\''") + "'";
}
