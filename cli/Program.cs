using System.CommandLine;
using RandCond.Notebooks;
using RandCond.Notebooks.Parameters;
using RandCond.Notebooks.Running;

namespace RandCond.Cli;

/// <summary>
/// `randcond`: runs notebooks headless (`run`, `run-all`), serves them as a Jupyter kernel (`kernel`), and runs the
/// experiments (the lab verbs). Exit codes: 0 ok; 1 a cell or a run failed; 2 bad arguments or bad input.
/// </summary>
public static class Program
{
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

    /// <summary>The command tree: what `randcond --help` lists.</summary>
    public static RootCommand Commands()
    {
        var root = new RootCommand("RandCond: reproduce the Random Conditioning paper (CVPR 2025), SFDDM and CoDi from C# notebooks.");
        foreach (var command in NotebookCommands.Create()) root.Subcommands.Add(command);
        root.Subcommands.Add(KernelCommands.Create());
        root.Subcommands.Add(ReportCommands.Create());
        foreach (var command in Lab.LabCommands.Create()) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Runs a command line; never throws: whatever a command does not handle becomes one line on stderr.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var root = Commands();
            // '@file' is an ordinary value here (a caption, a parameter), never a response file.
            var parsed = root.Parse(args, Lab.LabCommands.ParserSettings);
            if (parsed.Errors.Count > 0)
            {
                foreach (var error in parsed.Errors) stderr.WriteLine($"error: {Lab.LabCommands.Line(error)}");
                root.Parse([.. CommandPath(parsed.CommandResult.Command, root), "--help"]).Invoke(new InvocationConfiguration { Output = stderr });
                return 2;
            }
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
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

    private static IEnumerable<string> CommandPath(Command command, RootCommand root)
    {
        var names = new List<string>();
        for (var c = command; c is not null && c != root; c = c.Parents.OfType<Command>().FirstOrDefault()) names.Insert(0, c.Name);
        return names;
    }

    private static string Describe(Exception? e) => e is null ? "unknown" : $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
}
