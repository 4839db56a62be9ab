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

    /// <summary>$RANDCOND_COMMIT (for machines that get the tree without .git), else git, else "unknown".</summary>
    public static string Commit()
    {
        var given = Environment.GetEnvironmentVariable("RANDCOND_COMMIT");
        if (!string.IsNullOrEmpty(given)) return given;
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root ?? "." };
            using var p = Process.Start(psi)!;
            var head = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 && head.Length > 0 ? head : "unknown";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }
}
