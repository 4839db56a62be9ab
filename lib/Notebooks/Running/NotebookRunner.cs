using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Notebooks.Execution;
using RandCond.Notebooks.Parameters;

namespace RandCond.Notebooks.Running;

/// <summary>
/// Runs a notebook headless, as papermill does: injects parameters, executes every C# code cell in order,
/// writes outputs, execution counts and <c>metadata.randcond</c> (status, duration_s) back, and stops at the
/// first failing cell, which keeps its error output. Cells run in a worker process (<see cref="NotebookWorker"/>),
/// so a cell that ends the process or outlives <see cref="NotebookRunOptions.CellTimeout"/> fails like any other
/// cell. The notebook is written (to <see cref="NotebookRunOptions.OutPath"/>, or in place) whether the run
/// succeeded or not; a file that cannot be read or parameters that cannot be applied throw
/// (<see cref="NotebookFormatException"/>, <see cref="NotebookParameterException"/>) before anything is written.
/// </summary>
public static class NotebookRunner
{
    public const string MetadataKey = "randcond";

    /// <summary>The parameter through which the notebooks take the folder they export to.</summary>
    public const string OutDirParameter = "outDir";

    public static NotebookRunResult Run(
        string path, IEnumerable<KeyValuePair<string, string>>? overrides = null, string? outPath = null, TimeSpan? cellTimeout = null) =>
        RunAsync(path, overrides, new NotebookRunOptions { OutPath = outPath, CellTimeout = cellTimeout }).GetAwaiter().GetResult();

    public static async Task<NotebookRunResult> RunAsync(
        string path,
        IEnumerable<KeyValuePair<string, string>>? overrides,
        NotebookRunOptions options,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var commit = options.Commit ?? RandCond.Experiments.RunRecord.Commit();
        var notebook = NotebookFile.Read(path);
        ParameterInjector.Inject(notebook, WithExportsFolder(notebook, overrides ?? [], options.ExportsFolder));
        var outPath = options.OutPath ?? path;
        var workerAssembly = options.WorkerAssembly ?? FindWorkerAssembly();

        var toRun = new List<WorkerProtocol.RequestCell>();
        for (var index = 0; index < notebook.Cells.Count; index++)
        {
            var cell = notebook.Cells[index];
            if (!cell.IsCode) continue;
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
            if (IsCSharp(cell.Language))
            {
                SetStatus(cell, "not-run");
                toRun.Add(new(index, cell.Source));
            }
            else SetStatus(cell, "skipped", reason: $"language '{cell.Language}' is not run by randcond");
        }

        var (executed, failure) = toRun.Count == 0
            ? (0, null)
            : await ExecuteAsync(notebook, new(Path.GetDirectoryName(Path.GetFullPath(path))!, toRun, options.InlinePlotlyJs), workerAssembly,
                                 commit, options.CellTimeout, cancellationToken).ConfigureAwait(false);
        NotebookFile.Write(notebook, outPath);
        return new NotebookRunResult(path, outPath, executed, clock.Elapsed, failure);
    }

    private static async Task<(int Executed, NotebookCellFailure? Failure)> ExecuteAsync(
        Notebook notebook, WorkerProtocol.Request request, string workerAssembly, string commit, TimeSpan? cellTimeout,
        CancellationToken cancellationToken)
    {
        using var worker = WorkerProcess.Start(request, workerAssembly, commit);
        var executed = 0;
        int? running = null;
        var started = Stopwatch.StartNew();
        while (true)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (running is not null && cellTimeout is { } limit) wait.CancelAfter(TimeSpan.FromTicks(Math.Max(0, (limit - started.Elapsed).Ticks)));
            JsonObject? message;
            try
            {
                message = await worker.NextEventAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                worker.Kill();
                var cell = running ?? request.Cells[Math.Min(executed, request.Cells.Count - 1)].Index;
                return cancellationToken.IsCancellationRequested
                    ? (executed, Fail(notebook.Cells[cell], cell, CellStatus.Cancelled, "cancelled", "OperationCanceledException", "The run was cancelled.", started.Elapsed))
                    : (executed, Fail(notebook.Cells[cell], cell, CellStatus.Cancelled, "timeout", "TimeoutException",
                                      $"The cell ran longer than the cell timeout of {cellTimeout!.Value.TotalSeconds:0.###} s and was stopped.", started.Elapsed));
            }

            switch ((string?)message?["event"])
            {
                case null: // the worker's stdout ended before "end": a cell ended the process, or the worker never started
                {
                    if (running is null && executed == request.Cells.Count) return (executed, null);
                    var (exitCode, stderr) = await worker.WaitForExitAsync().ConfigureAwait(false);
                    var cell = running ?? request.Cells[Math.Min(executed, request.Cells.Count - 1)].Index;
                    var what = running is null
                        ? $"The notebook worker exited (code {exitCode}) before this cell started."
                        : $"The cell ended the process (exit code {exitCode}) before it finished.";
                    if (stderr.Length > 0) what += $" Last lines on stderr:\n{stderr}";
                    return (executed, Fail(notebook.Cells[cell], cell, CellStatus.RuntimeError, "error", "ProcessExited", what,
                                           running is null ? null : started.Elapsed));
                }
                case "start":
                    running = (int)message!["cell"]!;
                    started.Restart();
                    break;
                case "done":
                {
                    var index = (int)message!["cell"]!;
                    var cell = notebook.Cells[index];
                    executed++;
                    running = null;
                    cell.ExecutionCount = executed;
                    foreach (var output in message["outputs"]!.AsArray()) cell.Outputs.Add(output!.DeepClone());
                    var status = Enum.Parse<CellStatus>((string)message["status"]!);
                    SetStatus(cell, StatusName(status), TimeSpan.FromSeconds((double)message["duration_s"]!));
                    if (status != CellStatus.Ok)
                        return (executed, new NotebookCellFailure(index, status, (string?)message["message"] ?? status.ToString(),
                            message["diagnostics"]?.AsArray().Select(d => (string)d!).ToList() ?? [], LastError(cell)));
                    break;
                }
                case "end":
                    return (executed, null);
            }
        }
    }

    /// <summary>Marks a cell the worker could not finish as failed, with an error output saying why.</summary>
    private static NotebookCellFailure Fail(
        NotebookCell cell, int index, CellStatus status, string statusName, string ename, string reason, TimeSpan? duration)
    {
        var error = new ErrorOutput(ename, reason, reason.Split('\n'));
        cell.Outputs.Add(OutputJson.ToJson(error));
        SetStatus(cell, statusName, duration, reason: reason.Split('\n')[0]);
        return new NotebookCellFailure(index, status, $"{ename}: {reason.Split('\n')[0]}", [], error);
    }

    private static ErrorOutput? LastError(NotebookCell cell) =>
        cell.Outputs.OfType<JsonObject>().LastOrDefault(o => (string?)o["output_type"] == "error") is { } e
            ? new ErrorOutput((string?)e["ename"] ?? "", (string?)e["evalue"] ?? "",
                              e["traceback"]?.AsArray().Select(l => (string?)l ?? "").ToList() ?? [])
            : null;

    private static IEnumerable<KeyValuePair<string, string>> WithExportsFolder(
        Notebook notebook, IEnumerable<KeyValuePair<string, string>> overrides, string? exportsFolder)
    {
        var given = overrides.ToList();
        if (exportsFolder is null || given.Any(o => o.Key == OutDirParameter)) return given;
        var parameters = notebook.Cells.FirstOrDefault(c => c.IsCode && c.HasTag(ParameterInjector.ParametersTag));
        var declares = parameters is not null && ParameterDeclaration.Parse(parameters.Source).Any(d => d.Name == OutDirParameter);
        return declares ? [.. given, new(OutDirParameter, Path.GetFullPath(exportsFolder))] : given;
    }

    /// <summary>
    /// randcond.dll beside this library (the CLI's and the tests' output), beside the running program, or in the CLI's
    /// build output of the repository this library was built in (a notebook under another kernel).
    /// </summary>
    private static string FindWorkerAssembly()
    {
        var library = Path.GetDirectoryName(typeof(NotebookRunner).Assembly.Location);
        var folders = new List<string?> { library, AppContext.BaseDirectory };
        for (var dir = string.IsNullOrEmpty(library) ? null : new DirectoryInfo(library); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RandCond.Lib.csproj")))
            {
                folders.Add(Path.Combine(dir.FullName, "cli", "bin", "Release", "net10.0"));
                break;
            }
        foreach (var folder in folders.Where(f => !string.IsNullOrEmpty(f)))
        {
            var candidate = Path.Combine(folder!, "randcond.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"the notebook runner needs randcond.dll (the CLI, which runs the cells); looked in " +
            $"{string.Join(", ", folders.Where(f => !string.IsNullOrEmpty(f)).Distinct())}. Build it: dotnet build RandCond.sln -c Release");
    }

    private static bool IsCSharp(string language) =>
        language is "csharp" or "C#" or "c#" or "cs";

    private static string StatusName(CellStatus status) => status switch
    {
        CellStatus.Ok => "ok",
        CellStatus.Cancelled => "cancelled",
        _ => "error",
    };

    private static void SetStatus(NotebookCell cell, string status, TimeSpan? duration = null, string? reason = null)
    {
        var info = new JsonObject { ["status"] = status };
        if (duration is { } d) info["duration_s"] = Math.Round(d.TotalSeconds, 3);
        if (reason is not null) info["reason"] = reason;
        cell.Metadata[MetadataKey] = info;
    }
}
