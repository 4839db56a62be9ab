using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// Who made a result: commit, device, libtorch, date and command, written next to every number. The command names the
/// repository as &lt;repo&gt; and the home folder as ~, and no host is recorded: a record says how to rerun it, not whose
/// machine it ran on.
/// </summary>
public static class RunRecord
{
    public static JsonObject Header(string experiment, Device device) => new()
    {
        ["experiment"] = experiment,
        ["git_commit"] = Commit(),
        ["device"] = DeviceName(device),
        ["libtorch"] = Torch.Version,
        ["host_memory"] = HostMemory.Describe(),
        ["blas"] = Blas.Describe(),
        ["dotnet"] = Environment.Version.ToString(),
        ["command"] = Command(),
        ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };

    /// <summary>How this process was started, as <see cref="PortableCommand"/> writes it.</summary>
    public static string Command() => PortableCommand(Launched(Environment.CommandLine, Environment.ProcessPath));

    /// <summary>
    /// The command that starts this program again: .NET's command line names the entry assembly (…/randcond-lab.dll)
    /// also when the program's native launcher ran it, so the launcher (<paramref name="processPath"/>) takes the
    /// assembly's place then, and "dotnet" goes before it when the dotnet host ran it.
    /// </summary>
    public static string Launched(string commandLine, string? processPath)
    {
        if (string.IsNullOrEmpty(processPath)) return commandLine;
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet") return "dotnet " + commandLine;
        int end = commandLine.StartsWith('"') ? commandLine.IndexOf('"', 1) + 1 : commandLine.IndexOf(' ');
        if (end <= 0) end = commandLine.Length;
        return commandLine[..end].Trim('"').EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? Quoted(processPath) + commandLine[end..] : commandLine;
    }

    private static string Quoted(string path) => path.Contains(' ') ? $"\"{path}\"" : path;

    /// <summary><paramref name="command"/> with the repository root written &lt;repo&gt; and the home folder ~.</summary>
    public static string PortableCommand(string command) => Portable(command, RepoPaths.Root,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>
    /// <paramref name="text"/> with <paramref name="repo"/> written &lt;repo&gt; and <paramref name="home"/> ~, each only
    /// as a whole path at the start of a word (so /home/ann does not rewrite /home/anna, nor /x/home/ann).
    /// </summary>
    public static string Portable(string text, string? repo, string? home)
    {
        foreach (var (folder, name) in new[] { (repo, "<repo>"), (home, "~") })
        {
            if (string.IsNullOrEmpty(folder)) continue;
            var trimmed = folder.TrimEnd('/');
            if (trimmed.Length == 0) continue;
            text = Regex.Replace(text, "(?<=^|[\\s\"'=])" + Regex.Escape(trimmed) + "(?=/|\\s|\"|'|$)", name.Replace("$", "$$"));
        }
        return text;
    }

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
