using System.CommandLine;
using System.Globalization;
using RandCond.Notebooks;
using RandCond.Notebooks.Parameters;
using RandCond.Notebooks.Running;

namespace RandCond.Cli;

/// <summary>
/// The commands `run` and `run-all`. Exit codes: 0 all ran; 1 a cell failed; 2 a notebook or its parameters are bad
/// (`run`; `run-all` counts such a notebook as failed and exits 1).
/// </summary>
public static class NotebookCommands
{
    private static readonly Option<string[]> Parameter = new("--parameter", "-p")
    {
        Description = "Override a variable of the cell tagged 'parameters' (repeatable)",
        HelpName = "name=value",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<string?> Out = new("--out", "-o")
    {
        Description = "Where executed notebooks and their exports go (default: .cache/notebooks of the repository)",
        HelpName = "folder",
    };

    private static readonly Option<bool> InPlace = new("--in-place")
    {
        Description = "Update the notebooks themselves and the exports they name (e.g. results/notebooks)",
    };

    private static readonly Option<TimeSpan?> CellTimeout = new("--cell-timeout")
    {
        Description = "Fail a cell that runs longer than this many seconds (default: no limit)",
        HelpName = "seconds",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
                return TimeSpan.FromSeconds(seconds);
            result.AddError($"--cell-timeout: '{text}' is not a positive number of seconds");
            return null;
        },
    };

    public static IEnumerable<Command> Create()
    {
        var notebook = new Argument<string>("notebook") { Description = "The .ipynb file to run" };
        var run = WithRunOptions(new Command("run",
            "Run every C# cell of a notebook; write the executed notebook to FOLDER/NAME.ipynb and its exports to " +
            "FOLDER/exports, or with --in-place back into the notebook") { notebook });
        run.SetAction(parsed => Run(parsed.GetValue(notebook)!, Settings(parsed), parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error));

        var folder = new Argument<string>("folder") { Description = "The folder of notebooks", DefaultValueFactory = _ => "notebooks" };
        var runAll = WithRunOptions(new Command("run-all", "Run every *.ipynb of a folder in name order, the same way; print a summary") { folder });
        runAll.SetAction(parsed => RunAll(parsed.GetValue(folder)!, Settings(parsed), parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error));
        return [run, runAll];
    }

    private static Command WithRunOptions(Command command)
    {
        command.Options.Add(Parameter);
        command.Options.Add(Out);
        command.Options.Add(InPlace);
        command.Options.Add(CellTimeout);
        command.Validators.Add(result =>
        {
            var output = result.GetValue(Out);
            if (result.GetValue(InPlace) && output is not null) result.AddError("give --out FOLDER or --in-place, not both");
            if (output is not null && output.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
                result.AddError($"--out takes a folder (the executed notebook is written there under its own name), not '{output}'");
        });
        return command;
    }

    private static NotebookRunSettings Settings(ParseResult parsed) =>
        new(parsed.GetValue(Parameter) ?? [], parsed.GetValue(Out), parsed.GetValue(InPlace), parsed.GetValue(CellTimeout));

    public static int Run(string notebook, NotebookRunSettings arguments, TextWriter stdout, TextWriter stderr)
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

    public static int RunAll(string folder, NotebookRunSettings arguments, TextWriter stdout, TextWriter stderr)
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

    private static (NotebookRunResult? Result, string? Error) RunOne(string notebook, NotebookRunSettings arguments, RunOutputFolder output)
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
