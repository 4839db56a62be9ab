using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using RandCond.Kernel;

namespace RandCond.Tests.Kernel;

/// <summary>
/// A temporary Jupyter prefix with the randcond-csharp kernelspec pointing at the CLI built next to the tests,
/// and the environment (JUPYTER_PATH, data and runtime folders) that makes Debian's jupyter tools use only it.
/// </summary>
internal sealed class KernelSandbox : IDisposable
{
    public const string Python = "/usr/bin/python3";
    public const string Jupyter = "/usr/bin/jupyter";

    public KernelSandbox()
    {
        RequirePrerequisites();
        Directory.CreateDirectory(Root);
        KernelSpec.Install(KernelSpec.KernelsFolderOfPrefix(Prefix), KernelCommand());
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "randcond-kernel-" + Guid.NewGuid().ToString("N")[..8]);

    public string Prefix => Path.Combine(Root, "prefix");

    public string Combine(string name) => Path.Combine(Root, name);

    /// <summary>The tests' folder, found from this source file, where the Python client script lives.</summary>
    public static string TestsFolder { get; } = Path.GetDirectoryName(ThisFile())!;

    /// <summary>Runs a command with the sandbox's Jupyter environment; kills its whole process tree after <paramref name="timeout"/>.</summary>
    public ProcessResult RunProcess(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Root,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["JUPYTER_PATH"] = Path.Combine(Prefix, "share", "jupyter");
        start.Environment["JUPYTER_DATA_DIR"] = Combine("data");
        start.Environment["JUPYTER_RUNTIME_DIR"] = Combine("runtime");
        start.Environment["JUPYTER_CONFIG_DIR"] = Combine("config");
        start.Environment["JUPYTER_PLATFORM_DIRS"] = "1";
        start.Environment["PYTHONWARNINGS"] = "ignore";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExit(timeout);
        if (!exited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new ProcessResult(exited ? process.ExitCode : -1, stdout.Result, stderr.Result, !exited, clock.Elapsed);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    /// <summary>The built CLI copied next to the test assembly, started through the dotnet host.</summary>
    private static IReadOnlyList<string> KernelCommand()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "randcond.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"the CLI is not built next to the tests: no {dll}");
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        return [dotnet, dll];
    }

    private static void RequirePrerequisites()
    {
        if (!File.Exists(Jupyter) || !File.Exists(Python))
            throw new InvalidOperationException($"{Jupyter} or {Python} is missing: run scripts/install/kernel.sh");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Duration)
{
    public override string ToString() =>
        $"exit {ExitCode}{(TimedOut ? " (timed out, killed)" : "")} after {Duration.TotalSeconds:0.0} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    /// <summary>The last stdout line, parsed as the JSON object the client script prints.</summary>
    public JsonObject Json() => JsonNode.Parse(Stdout.TrimEnd().Split('\n')[^1]) as JsonObject
        ?? throw new InvalidOperationException($"no JSON result:\n{this}");
}
