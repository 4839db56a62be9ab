using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace RandCond.Benchmarks;

/// <summary>Runs a PyTorch reference script as a subprocess and reads the one JSON line it prints.</summary>
internal static class PythonReference
{
    public static string ResolvePython(string? requested)
    {
        if (!string.IsNullOrEmpty(requested)) return requested;
        return File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    }

    /// <summary>python/NAME next to the exe (how it is published), else benchmarks/python/NAME in the repository.</summary>
    public static string FindScript(string name)
    {
        var tried = new List<string>();
        foreach (var dir in new[] { Path.Combine(AppContext.BaseDirectory, "python") }
                     .Concat(RunInfo.RepoRoot is { } root ? [Path.Combine(root, "benchmarks", "python")] : []))
        {
            var path = Path.Combine(dir, name);
            tried.Add(path);
            if (File.Exists(path)) return path;
        }
        throw new BenchmarkException($"the PyTorch reference script {name} was not found. Looked at:\n  {string.Join("\n  ", tried)}\n" +
                                     "It ships in python/ next to randcond-bench; copy benchmarks/python there or run from the repository.");
    }

    /// <summary>
    /// Runs the script and returns its JSON object. Fails with a clear message on every kind of failure.
    /// <paramref name="environment"/> adds variables to the process's environment (e.g. GLIBC_TUNABLES).
    /// </summary>
    public static JsonObject Run(string python, string script, IEnumerable<string> args, TimeSpan timeout,
                                 IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The reference gets exactly the threads it is told to use, whatever the caller's environment says.
        psi.Environment.Remove("OMP_NUM_THREADS");
        psi.Environment.Remove("MKL_NUM_THREADS");
        psi.Environment["PYTHONUNBUFFERED"] = "1";
        environment ??= new Dictionary<string, string>();
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        string command = string.Concat(environment.Select(e => $"{e.Key}={e.Value} ")) +
                         $"{python} -u {script} {string.Join(' ', args)}";

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new BenchmarkException($"could not start '{python}'");
        }
        catch (Win32Exception e)
        {
            throw new BenchmarkException($"cannot run the Python reference: '{python}' could not be started ({e.Message}).\n" +
                                         "Install Python 3 with torch, or pass --python /path/to/python (the Python whose torch is the reference).");
        }
        using (process)
        {
            var stderr = new StringBuilder();
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
            process.BeginErrorReadLine();
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new BenchmarkException($"the Python reference ran longer than {timeout.TotalSeconds:0} s and was stopped\n  command: {command}");
            }
            process.WaitForExit();
            string stdout = stdoutTask.GetAwaiter().GetResult();
            string err;
            lock (stderr) err = stderr.ToString();

            var line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
            JsonObject? result = null;
            if (line is not null)
            {
                try { result = JsonNode.Parse(line) as JsonObject; }
                catch (System.Text.Json.JsonException) { }
            }
            if (result?["error"] is JsonNode error)
                throw new BenchmarkException($"the Python reference failed: {error.GetValue<string>()}\n  python: {python}\n" +
                                             (error.GetValue<string>().Contains("import torch")
                                                 ? "  Fix: install torch for this Python (Debian: apt-get install python3-torch), or pass --python PATH to a Python that has it.\n"
                                                 : "") + Tail(err));
            if (process.ExitCode != 0 || result is null)
                throw new BenchmarkException($"the Python reference failed (exit code {process.ExitCode}{(result is null ? ", no JSON line on stdout" : "")}).\n" +
                                             $"  command: {command}\n{Tail(err)}{Tail(stdout, "stdout")}");
            return result;
        }
    }

    private static string Tail(string text, string label = "stderr")
    {
        text = text.Trim();
        if (text.Length == 0) return "";
        if (text.Length > 4000) text = "..." + text[^4000..];
        return $"  {label}:\n    " + text.Replace("\n", "\n    ") + "\n";
    }
}
