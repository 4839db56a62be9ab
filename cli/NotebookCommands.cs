using RandCond.Notebooks;
using RandCond.Notebooks.Parameters;
using RandCond.Notebooks.Running;

namespace RandCond.Cli;

/// <summary>The verbs `run` and `run-all`. Exit codes: 0 all ran, 1 a notebook failed or could not be run.</summary>
public static class NotebookCommands
{
    public static int Run(string notebook, IReadOnlyList<string> parameters, string? outPath, TextWriter stdout, TextWriter stderr)
    {
        var (result, error) = RunOne(notebook, parameters, outPath);
        if (error is not null)
        {
            stderr.WriteLine($"error: {error}");
            return 1;
        }
        if (result!.Failure is { } failure)
        {
            stderr.WriteLine(failure.ToString());
            stderr.WriteLine($"outputs written to {result.OutputPath}");
            return 1;
        }
        stdout.WriteLine($"ok: {notebook} ({result.CellsExecuted} cells, {result.Duration.TotalSeconds:0.0} s) -> {result.OutputPath}");
        return 0;
    }

    public static int RunAll(string folder, IReadOnlyList<string> parameters, TextWriter stdout, TextWriter stderr)
    {
        if (!Directory.Exists(folder))
        {
            stderr.WriteLine($"error: no folder {folder}");
            return 1;
        }
        var notebooks = Directory.GetFiles(folder, "*.ipynb")
            .OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();
        if (notebooks.Count == 0)
        {
            stderr.WriteLine($"error: no *.ipynb in {folder}");
            return 1;
        }

        var rows = new List<string[]>();
        foreach (var notebook in notebooks)
        {
            stdout.WriteLine($"running {notebook} ...");
            var (result, error) = RunOne(notebook, parameters, null);
            var message = error ?? result!.Failure?.ToString() ?? "";
            rows.Add([
                Path.GetFileName(notebook),
                error is null && result!.Succeeded ? "ok" : "FAILED",
                result?.CellsExecuted.ToString() ?? "-",
                result is null ? "-" : $"{result.Duration.TotalSeconds:0.0} s",
                message.ReplaceLineEndings(" "),
            ]);
        }
        WriteTable(stdout, ["notebook", "status", "cells", "time", "message"], rows);
        var failed = rows.Count(r => r[1] != "ok");
        stdout.WriteLine($"{rows.Count} notebooks: {rows.Count - failed} ok, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static (NotebookRunResult? Result, string? Error) RunOne(string notebook, IReadOnlyList<string> parameters, string? outPath)
    {
        try
        {
            var overrides = ParameterInjector.ParseAssignments(parameters);
            return (NotebookRunner.Run(notebook, overrides, outPath), null);
        }
        catch (Exception e) when (e is NotebookFormatException or NotebookParameterException or IOException or UnauthorizedAccessException)
        {
            return (null, e is NotebookParameterException ? $"{notebook}: {e.Message}" : e.Message);
        }
    }

    private static void WriteTable(TextWriter output, string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((v, c) => c == cells.Length - 1 ? v : v.PadRight(widths[c]))).TrimEnd();
        output.WriteLine(Line(header));
        output.WriteLine(Line(widths.Select(w => new string('-', w)).ToArray()));
        foreach (var row in rows) output.WriteLine(Line(row));
    }
}
