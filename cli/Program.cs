using RandCond.Notebooks;
using RandCond.Notebooks.Parameters;
using RandCond.Notebooks.Running;

namespace RandCond.Cli;

public static class Program
{
    public const string Usage = """
        usage:
          randcond run NOTEBOOK [-p name=value ...] [--out FOLDER | --in-place] [--cell-timeout SECONDS]
              run every C# cell of NOTEBOOK; write the executed notebook to FOLDER/NOTEBOOK and its exports to
              FOLDER/exports (FOLDER: .cache/notebooks of the repository unless --out), or, with --in-place, back
              into NOTEBOOK, exporting where the notebook says
          randcond run-all [FOLDER] [-p name=value ...] [--out FOLDER | --in-place] [--cell-timeout SECONDS]
              run every *.ipynb in FOLDER (default: notebooks) in name order, the same way; print a summary
          randcond kernel -f CONNECTION_FILE | kernel install [--user | --prefix PATH]   Jupyter kernel; its kernelspec
          randcond report results [--check]   regenerate the tables of docs/RESULTS.md from the records in results/
          randcond train-classifier | train-teacher | eval-teacher ...   the lab verbs (randcond-lab; see README)
        -p, --parameter name=value   override a variable of the cell tagged 'parameters' (repeatable)
        -o, --out FOLDER             where executed notebooks and their exports go (default .cache/notebooks)
        --in-place                   update the notebooks themselves and the exports they name (e.g. results/notebooks)
        --cell-timeout SECONDS       fail a cell that runs longer (default: no limit)
        exit codes: 0 ok, 1 a cell failed, 2 bad arguments or input
        """;

    public static int Main(string[] args)
    {
        // A background thread's exception would otherwise abort with a runtime dump; say it in one line instead.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            Console.Error.WriteLine($"randcond: internal error: {Describe(e.ExceptionObject as Exception)}");
            Environment.Exit(1);
        };
        if (args is [NotebookWorker.Verb]) return NotebookWorker.Main();
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Runs a command line; never throws: whatever a verb does not handle becomes one line on stderr.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return Dispatch(args, stdout, stderr);
        }
        catch (Exception e) when (e is NotebookFormatException or NotebookParameterException or FormatException
                                      or ArgumentException or FileNotFoundException or DirectoryNotFoundException)
        {
            stderr.WriteLine($"randcond {string.Join(' ', args.Take(2))}: error: {e.Message}");
            return 2;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"randcond {string.Join(' ', args.Take(2))}: error: {Describe(e)}");
            return 1;
        }
    }

    private static int Dispatch(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help" or "help", ..])
        {
            stdout.WriteLine(Usage);
            return 0;
        }
        if (args is ["kernel", .. var kernelArgs]) return KernelCommands.Run(kernelArgs, stdout, stderr);
        if (args is ["report", .. var reportArgs]) return RandCond.Experiments.Reports.ResultsReport.Command(reportArgs, stdout, stderr);
        if (args is [var verb, ..] && RandCond.Experiments.LabCommands.Verbs.Contains(verb))
            return RandCond.Experiments.LabCommands.Run(args, stdout, stderr);
        var parsed = CliArguments.Parse(args, out var error);
        switch (parsed)
        {
            case { Verb: "run", Positionals: [var notebook] }:
                return NotebookCommands.Run(notebook, parsed, stdout, stderr);
            case { Verb: "run-all", Positionals.Count: <= 1 }:
                return NotebookCommands.RunAll(parsed.Positionals.FirstOrDefault() ?? "notebooks", parsed, stdout, stderr);
            case { Verb: "run" }:
                error = "run takes exactly one NOTEBOOK";
                break;
            case { Verb: "run-all" }:
                error = "run-all takes at most one FOLDER";
                break;
            case not null:
                error = $"unknown command '{parsed.Verb}'";
                break;
        }
        stderr.WriteLine($"error: {error}");
        stderr.WriteLine(Usage);
        return 2;
    }

    private static string Describe(Exception? e) => e is null ? "unknown" : $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
}
