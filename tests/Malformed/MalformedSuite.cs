using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using RandCond.Experiments;
using RandCond.Tests.Kernel;

namespace RandCond.Tests.Malformed;

/// <summary>
/// Runs each bad input through the real entry point in a child process and classifies what it did:
/// safetensors through `randcond eval-teacher --teacher FILE`, IDX files through `randcond train-classifier` in a
/// throw-away repository whose dataset holds the file, notebooks through `randcond run FILE`, and kernel messages
/// through one kernel process over ZeroMQ (started again after a case that kills or stalls it).
/// </summary>
public static class MalformedSuite
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Every case of every family, in a fixed order.</summary>
    public static IEnumerable<MalformedCase> AllCases() =>
        SafetensorsCases.All(File.ReadAllBytes(RepoPaths.Data("teachers", "mnist-quick-teacher.safetensors")))
            .Concat(IdxCases.All()).Concat(NotebookCases.All()).Concat(KernelCases.All());

    /// <summary>Every <paramref name="stride"/>-th case of each family (all of them for 1), in a fixed order.</summary>
    public static IReadOnlyList<MalformedCase> Sample(int stride) =>
        AllCases().GroupBy(c => c.Family).SelectMany(g => g.Where((_, i) => i % stride == 0)).ToList();

    public static IReadOnlyList<CaseResult> Run(IReadOnlyList<MalformedCase> cases, int parallelism = 2)
    {
        var results = new ConcurrentBag<CaseResult>();
        var files = cases.Where(c => c.Family != KernelCases.Family).ToList();
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, c => results.Add(RunFileCase(c)));
        foreach (var r in RunKernelCases(cases.Where(c => c.Family == KernelCases.Family).ToList())) results.Add(r);
        var order = cases.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, ReferenceEqualityComparer.Instance);
        return results.OrderBy(r => order[r.Case]).ToList();
    }

    private static string Cli => Path.Combine(AppContext.BaseDirectory, "randcond.dll");

    private static CaseResult RunFileCase(MalformedCase c)
    {
        var folder = Directory.CreateTempSubdirectory("randcond-malformed-").FullName;
        try
        {
            var (args, workingDirectory, environment, inputPath) = c.Family switch
            {
                SafetensorsCases.Family => Safetensors(c, folder),
                IdxCases.Family => Idx(c, folder),
                NotebookCases.Family => Notebook(c, folder),
                _ => throw new ArgumentException($"no entry point for family '{c.Family}'"),
            };
            var run = ChildProcess.Run(ChildProcess.Dotnet, [Cli, .. args], Timeout, workingDirectory, environment);
            var (outcome, detail) = OutcomeClassifier.Classify(run, Path.GetFileName(inputPath));
            return new CaseResult(c, outcome, detail);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static (string[] Args, string Cwd, Dictionary<string, string> Env, string Input) Safetensors(MalformedCase c, string folder)
    {
        var path = Path.Combine(folder, c.FileName);
        File.WriteAllBytes(path, c.Bytes);
        // One sample per class in one step: a teacher that wrongly loads finishes fast, as a silent success, not a hang.
        return (["eval-teacher", "--dataset", "mnist", "--teacher", path, "--samples-per-class", "1", "--steps", "1", "--out", Path.Combine(folder, "out")],
                RepoPaths.RequireRoot(), [], path);
    }

    /// <summary>A throw-away repository (RANDCOND_HOME) whose MNIST is <see cref="IdxCases.ValidSet"/> with the case's file in its place.</summary>
    private static (string[] Args, string Cwd, Dictionary<string, string> Env, string Input) Idx(MalformedCase c, string folder)
    {
        File.WriteAllText(Path.Combine(folder, "RandCond.Lib.csproj"), "");
        var datasets = Directory.CreateDirectory(Path.Combine(folder, ".cache", "datasets", "mnist")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        var files = IdxCases.ValidSet().Where(kv => !c.FileName.StartsWith(kv.Key, StringComparison.Ordinal))
            .Append(KeyValuePair.Create(c.FileName, c.Bytes));
        var manifest = new StringBuilder();
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(datasets, name), bytes);
            manifest.Append(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))).Append("  ").Append(name).Append('\n');
        }
        File.WriteAllText(Path.Combine(folder, "data", "mnist.sha256"), manifest.ToString());
        return (["train-classifier", "--dataset", "mnist", "--epochs", "1"], folder,
                new() { ["RANDCOND_HOME"] = folder, ["RANDCOND_DATA"] = Path.Combine(folder, ".cache", "datasets") }, Path.Combine(datasets, c.FileName));
    }

    private static (string[] Args, string Cwd, Dictionary<string, string> Env, string Input) Notebook(MalformedCase c, string folder)
    {
        var path = Path.Combine(folder, c.FileName);
        File.WriteAllBytes(path, c.Bytes);
        return (["run", path, "--out", Path.Combine(folder, "out")], folder, [], path);
    }

    private static IEnumerable<CaseResult> RunKernelCases(IReadOnlyList<MalformedCase> cases)
    {
        if (cases.Count == 0) return [];
        using var sandbox = new KernelSandbox();
        var list = new JsonArray(cases.Select(c =>
        {
            var entry = JsonNode.Parse(c.Bytes)!.AsObject();
            entry["name"] = c.Name;
            return (JsonNode)entry;
        }).ToArray());
        var casesFile = sandbox.Combine("cases.json");
        File.WriteAllText(casesFile, list.ToJsonString());
        var script = Path.Combine(ThisFolder(), "kernel_malformed.py");
        var process = sandbox.RunProcess(KernelSandbox.Python, [script, casesFile], TimeSpan.FromSeconds(90 + 30 * cases.Count));
        if (process.ExitCode != 0)
        {
            var failure = $"the kernel client failed (exit {process.ExitCode}{(process.TimedOut ? ", timed out" : "")}): …{process.Stderr[^Math.Min(2000, process.Stderr.Length)..]}";
            return cases.Select(c => new CaseResult(c, process.TimedOut ? Outcome.Hang : Outcome.Crash, failure));
        }
        var byName = process.Json()["results"]!.AsArray().ToDictionary(r => (string)r!["name"]!, r => r!.AsObject());
        bool unhandled = process.Stderr.Contains("Unhandled exception", StringComparison.Ordinal);
        return cases.Select(c =>
        {
            var r = byName[c.Name];
            var outcome = (string)r["outcome"]! switch
            {
                "error_reply" or "dropped" => unhandled ? Outcome.Crash : Outcome.CleanError,
                "ok_reply" => Outcome.SilentSuccess,
                "died" => Outcome.Crash,
                _ => Outcome.Hang,
            };
            return new CaseResult(c, outcome, $"{r["outcome"]} {r["detail"]}");
        }).ToList();
    }

    /// <summary>One row per family and a total: tried, then each outcome's count.</summary>
    public static string CountsTable(IReadOnlyList<CaseResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine($"{"family",-12} {"tried",6} {"clean",6} {"unclear",8} {"crashes",8} {"hangs",6} {"silent",7}");
        foreach (var group in results.GroupBy(r => r.Case.Family).Append(results.GroupBy(_ => "total").Single()))
        {
            int Count(Outcome o) => group.Count(r => r.Outcome == o);
            text.AppendLine($"{group.Key,-12} {group.Count(),6} {Count(Outcome.CleanError),6} {Count(Outcome.UnclearError),8} {Count(Outcome.Crash),8} {Count(Outcome.Hang),6} {Count(Outcome.SilentSuccess),7}");
        }
        foreach (var r in results.Where(r => r.Outcome != Outcome.CleanError))
            text.AppendLine($"{r.Outcome}: {r.Case}: {r.Detail}");
        return text.ToString();
    }

    private static string ThisFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
