using RandCond.Notebooks;
using RandCond.Notebooks.Parameters;
using RandCond.Notebooks.Running;

namespace RandCond.Cli;

/// <summary>
/// The verbs `run` and `run-all`. Exit codes: 0 all ran; 1 a cell failed; 2 a notebook or its parameters are bad
/// (`run`; `run-all` counts such a notebook as failed and exits 1).
/// </summary>
public static class NotebookCommands
{
    public static int Run(string notebook, CliArguments arguments, TextWriter stdout, TextWriter stderr)
    {
        var output = RunOutputFolder.For(arguments, notebook);
        var (result, error) = RunOne(notebook, arguments, output);
        if (error is not null)
        {
            stderr.WriteLine($"error: {error}");
            return 2;
        }
        if (result!.Failure is { } failure)
        {
            stderr.WriteLine($"{notebook}: {failure}");
            stderr.WriteLine($"outputs written to {result.OutputPath}");
            return 1;
        }
        stdout.WriteLine($"ok: {notebook} ({result.CellsExecuted} cells, {result.Duration.TotalSeconds:0.0} s) -> {result.OutputPath}");
        return 0;
    }

    public static int RunAll(string folder, CliArguments arguments, TextWriter stdout, TextWriter stderr)
    {
        if (!Directory.Exists(folder))
        {
            stderr.WriteLine($"error: no folder {folder}");
            return 2;
        }
        var notebooks = Directory.GetFiles(folder, "*.ipynb")
            .OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();
        if (notebooks.Count == 0)
        {
            stderr.WriteLine($"error: no *.ipynb in {folder}");
            return 2;
        }

        var output = RunOutputFolder.For(arguments, folder);
        stdout.WriteLine(output.Folder is null
            ? $"running {notebooks.Count} notebooks in place"
            : $"running {notebooks.Count} notebooks; executed notebooks and exports go to {output.Folder}");
        var rows = new List<string[]>();
        foreach (var notebook in notebooks)
        {
            stdout.WriteLine($"running {notebook} ...");
            var (result, error) = RunOne(notebook, arguments, output);
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

    private static (NotebookRunResult? Result, string? Error) RunOne(string notebook, CliArguments arguments, RunOutputFolder output)
    {
        try
        {
            var overrides = ParameterInjector.ParseAssignments(arguments.Parameters);
            var options = output.OptionsFor(notebook, arguments.CellTimeout);
            return (NotebookRunner.RunAsync(notebook, overrides, options).GetAwaiter().GetResult(), null);
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
