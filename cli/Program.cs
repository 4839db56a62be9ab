namespace RandCond.Cli;

public static class Program
{
    public const string Usage = """
        usage:
          randcond run NOTEBOOK [-p name=value ...] [--out PATH]
              run every C# cell of NOTEBOOK and write the outputs back (in place, or to PATH)
          randcond run-all [FOLDER] [-p name=value ...]
              run every *.ipynb in FOLDER (default: notebooks) in name order, in place; print a summary
          randcond kernel -f CONNECTION_FILE | kernel install [--user | --prefix PATH]   Jupyter kernel; its kernelspec
          randcond train-classifier | train-teacher | eval-teacher ...   the lab verbs (randcond-lab; see README)
        -p, --parameter name=value   override a variable of the cell tagged 'parameters' (repeatable)
        -o, --out PATH               where `run` writes the executed notebook
        exit codes: 0 ok, 1 a notebook failed or could not be run, 2 bad arguments
        """;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help" or "help", ..])
        {
            stdout.WriteLine(Usage);
            return 0;
        }
        if (args is ["kernel", .. var kernelArgs]) return KernelCommands.Run(kernelArgs, stdout, stderr);
        if (args is [var verb, ..] && RandCond.Experiments.LabCommands.Verbs.Contains(verb))
            return RandCond.Experiments.LabCommands.Run(args, stdout, stderr);
        var parsed = CliArguments.Parse(args, out var error);
        switch (parsed)
        {
            case { Verb: "run", Positionals: [var notebook] }:
                return NotebookCommands.Run(notebook, parsed.Parameters, parsed.Out, stdout, stderr);
            case { Verb: "run-all", Positionals.Count: <= 1, Out: null }:
                return NotebookCommands.RunAll(parsed.Positionals.FirstOrDefault() ?? "notebooks", parsed.Parameters, stdout, stderr);
            case { Verb: "run" }:
                error = "run takes exactly one NOTEBOOK";
                break;
            case { Verb: "run-all" }:
                error = parsed.Out is null ? "run-all takes at most one FOLDER" : "run-all does not take --out";
                break;
            case not null:
                error = $"unknown command '{parsed.Verb}'";
                break;
        }
        stderr.WriteLine($"error: {error}");
        stderr.WriteLine(Usage);
        return 2;
    }
}
