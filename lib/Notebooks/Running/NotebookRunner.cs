using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using RandCond.Notebooks.Execution;
using RandCond.Notebooks.Parameters;

namespace RandCond.Notebooks.Running;

/// <summary>
/// Runs a notebook headless, as papermill does: injects parameters, executes every C# code cell in order,
/// writes outputs, execution counts and <c>metadata.randcond</c> (status, duration_s) back, and stops at the
/// first failing cell, which keeps its error output. The notebook is written (to <c>outPath</c>, or in place)
/// whether the run succeeded or not; a file that cannot be read or parameters that cannot be applied throw
/// (<see cref="NotebookFormatException"/>, <see cref="NotebookParameterException"/>) before anything is written.
/// </summary>
public static class NotebookRunner
{
    public const string MetadataKey = "randcond";

    public static NotebookRunResult Run(
        string path, IEnumerable<KeyValuePair<string, string>>? overrides = null, string? outPath = null) =>
        RunAsync(path, overrides, outPath).GetAwaiter().GetResult();

    public static async Task<NotebookRunResult> RunAsync(
        string path,
        IEnumerable<KeyValuePair<string, string>>? overrides = null,
        string? outPath = null,
        CancellationToken cancellationToken = default,
        IReadOnlyList<Assembly>? references = null)
    {
        var clock = Stopwatch.StartNew();
        var notebook = NotebookFile.Read(path);
        ParameterInjector.Inject(notebook, overrides ?? []);
        outPath ??= path;

        using var executor = new CellExecutor(new CellExecutorOptions
        {
            BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!,
            References = references ?? [],
        });

        NotebookCellFailure? failure = null;
        var executed = 0;
        for (var index = 0; index < notebook.Cells.Count; index++)
        {
            var cell = notebook.Cells[index];
            if (!cell.IsCode) continue;
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
            if (failure is not null)
            {
                SetStatus(cell, "not-run");
                continue;
            }
            if (!IsCSharp(cell.Language))
            {
                SetStatus(cell, "skipped", reason: $"language '{cell.Language}' is not run by randcond");
                continue;
            }

            var result = await executor.ExecuteAsync(cell.Source, cancellationToken).ConfigureAwait(false);
            executed++;
            cell.ExecutionCount = executed;
            foreach (var output in result.Outputs) cell.Outputs.Add(OutputJson.ToJson(output, executed));
            SetStatus(cell, StatusName(result.Status), result.Duration);
            if (!result.Succeeded)
                failure = new NotebookCellFailure(index, result.Status, result.FailureMessage ?? result.Status.ToString(),
                    result.Diagnostics, result.Error);
        }

        NotebookFile.Write(notebook, outPath);
        return new NotebookRunResult(path, outPath, executed, clock.Elapsed, failure);
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
