using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using RandCond.Experiments;
using RandCond.Tests.Malformed;

namespace RandCond.Tests.Publish;

/// <summary>
/// randcond-lab published the way scripts/gpu/pack.sh publishes it for a GPU machine (trimmed, self-contained, linux-x64),
/// at most once per change of what goes into it: the publish is kept in .cache/publish/lab-HASH, HASH over the path and
/// content of every file git sees (tracked or not ignored) under <see cref="Inputs"/>, and the runtime's version.
/// A publish took 1.5 to 3 minutes on two shared cores (measured 2026-12-05); a cached one nothing.
/// </summary>
public sealed class TrimmedLabFixture
{
    /// <summary>What the lab's publish is made of: its project, the verbs it compiles in, the library and the shared build props.</summary>
    public static readonly string[] Inputs = ["lab", "cli/Lab", "lib", "RandCond.Lib.csproj", "Directory.Build.props"];

    /// <summary>The arguments after `dotnet publish lab`; scripts/gpu/pack.sh passes the same (a test checks it).</summary>
    public static readonly string[] PublishArguments = ["-c", "Release", "-r", "linux-x64", "--self-contained", "-p:PublishTrimmed=true"];

    public string Folder { get; }
    public string Exe => Path.Combine(Folder, "randcond-lab");

    /// <summary>How long this fixture's publish took; null when the cached one was used.</summary>
    public TimeSpan? PublishTime { get; }

    public TrimmedLabFixture()
    {
        var root = RepoPaths.RequireRoot();
        var parent = RepoPaths.Cache("publish");
        Folder = Path.Combine(parent, "lab-" + InputHash(root));
        if (File.Exists(Exe)) return;

        // Published into a staging folder and renamed, so an interrupted publish never passes for a cached one. Its
        // bin/obj go to a folder of their own, deleted after (700 MB; keeping them saves only seconds of the next publish):
        // in the repository's bin/ the publish would rewrite RandCond.Lib.dll, which notebooks run by other tests load.
        var staging = $"{Folder}.tmp-{Environment.ProcessId}";
        var artifacts = $"{staging}-build";
        foreach (var stale in new[] { staging, artifacts }.Where(Directory.Exists)) Directory.Delete(stale, recursive: true);
        var clock = Stopwatch.StartNew();
        var run = ChildProcess.Run(ChildProcess.Dotnet,
            ["publish", "lab", .. PublishArguments, "--artifacts-path", artifacts, "-o", staging, "-nologo", "-v", "quiet"],
            TimeSpan.FromMinutes(15), root);
        if (Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish lab {string.Join(' ', PublishArguments)} failed (exit {run.ExitCode?.ToString() ?? "none: timed out"}):\n{run.Stdout}\n{run.Stderr}");
        PublishTime = clock.Elapsed;
        if (!File.Exists(Path.Combine(staging, "randcond-lab")))
            throw new InvalidOperationException($"dotnet publish lab wrote no randcond-lab into {staging}");
        // Earlier publishes (other inputs) are 57 MB each: keep only this one.
        foreach (var old in Directory.EnumerateDirectories(parent, "lab-*").Where(d => d != staging))
            Directory.Delete(old, recursive: true);
        Directory.Move(staging, Folder);
    }

    private static string InputHash(string root)
    {
        var list = ChildProcess.Run("git", ["-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", .. Inputs], TimeSpan.FromMinutes(1));
        if (list.ExitCode != 0) throw new InvalidOperationException($"git ls-files in {root} failed: {list.Stderr}");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(Environment.Version + "\n" + string.Join(' ', PublishArguments) + "\n"));
        foreach (var file in list.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(root, file);
            if (!File.Exists(path)) continue; // deleted in the work tree, still in the index
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\0"));
            hash.AppendData(SHA256.HashData(File.ReadAllBytes(path)));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
