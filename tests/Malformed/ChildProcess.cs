using System.Diagnostics;

namespace RandCond.Tests.Malformed;

/// <summary>What a child process did: its exit code (null when killed at the timeout), stdout, stderr and time.</summary>
public sealed record ChildRun(int? ExitCode, string Stdout, string Stderr, TimeSpan Duration)
{
    public bool TimedOut => ExitCode is null;
}

/// <summary>Runs a program as a child process with a timeout, killing its whole tree when the time is up.</summary>
public static class ChildProcess
{
    /// <summary>The dotnet host that runs the tests (so children use the same runtime).</summary>
    public static string Dotnet { get; } =
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    public static ChildRun Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null,
                               IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        // A crash should show as an abort, not spend the timeout writing a dump.
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        bool exited = process.WaitForExit(timeout);
        if (!exited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new ChildRun(exited ? process.ExitCode : null, stdout.Result, stderr.Result, clock.Elapsed);
    }
}
