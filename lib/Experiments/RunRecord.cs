using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>Who made a result: commit, device, libtorch, date and command, written next to every number.</summary>
public static class RunRecord
{
    public static JsonObject Header(string experiment, Device device) => new()
    {
        ["experiment"] = experiment,
        ["git_commit"] = Commit(),
        ["device"] = DeviceName(device),
        ["libtorch"] = Torch.Version,
        ["dotnet"] = Environment.Version.ToString(),
        ["command"] = Environment.CommandLine,
        ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["host"] = Environment.MachineName,
    };

    public static string DeviceName(Device device)
    {
        if (device.IsCuda) return Cuda.DeviceName(device.Index);
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim()
            : null;
        return $"{model ?? "CPU"} ({Environment.ProcessorCount} cores)";
    }

    /// <summary>
    /// $RANDCOND_COMMIT (machines that receive the tree without .git, such as GPU runners, get it from the caller),
    /// else git's HEAD with "+dirty" when tracked files differ from it, else "unknown".
    /// </summary>
    public static string Commit()
    {
        var given = Environment.GetEnvironmentVariable("RANDCOND_COMMIT");
        if (!string.IsNullOrEmpty(given)) return given;
        var dir = RepoPaths.Root ?? Environment.CurrentDirectory;
        var head = Git(dir, "rev-parse", "HEAD");
        if (head is null) return "unknown";
        var status = Git(dir, "status", "--porcelain", "--untracked-files=no");
        return string.IsNullOrWhiteSpace(status) ? head : head + "+dirty";
    }

    private static string? Git(string dir, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? output.Trim() : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
