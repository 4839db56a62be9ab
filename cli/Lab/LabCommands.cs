using System.CommandLine;
using System.CommandLine.Parsing;

namespace RandCond.Cli.Lab;

/// <summary>
/// The lab verbs, one command each, shared by the `randcond` CLI and the slim `randcond-lab` exe (published for GPU
/// machines, without the notebook runner).
/// </summary>
public static class LabCommands
{
    /// <summary>A fresh command of every verb, in the order help lists them.</summary>
    public static IReadOnlyList<LabCommand> Create() =>
    [
        new QuickstartCommand(), new ToyOverlapCommand(), new TrainClassifierCommand(), new FitAttributeBinsCommand(), new TrainTeacherCommand(), new EvalTeacherCommand(),
        new AlteredConditioningCommand(), new HeldOutDigitCommand(), new DistillationTableCommand(), new AblationsCommand(),
        new CompositionalCommand(), new SfddmCommand(), new CoDiCommand(),
    ];

    public static IReadOnlyList<string> Verbs => Create().Select(c => c.Name).ToArray();

    /// <summary>`randcond-lab`: every verb under one root.</summary>
    public static RootCommand Root()
    {
        var root = new RootCommand("randcond-lab: the RandCond experiments (the lab verbs of randcond, without the notebook runner)");
        foreach (var command in Create()) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>
    /// Runs a `randcond-lab` command line: 0 ok, 1 a run failed, 2 bad options or input; a bad option is one line on
    /// stderr naming it and where the verb's help is.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = Root().Parse(args, ParserSettings);
        if (parsed.Errors.Count > 0)
        {
            var verb = parsed.CommandResult.Command is LabCommand command ? $" {command.Name}" : "";
            stderr.WriteLine($"error: {string.Join(" ", parsed.Errors.Select(Line))} (randcond-lab{verb} --help lists the options)");
            return Experiments.CommandFailure.BadInput;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    /// <summary>'@file' is an ordinary value here (a caption, a path), never a response file.</summary>
    public static ParserConfiguration ParserSettings => new() { ResponseFileTokenReplacer = null };

    /// <summary>Parses a verb's options on their own; throws ArgumentException listing the parse errors.</summary>
    public static ParseResult ParseOrThrow(Command command, IReadOnlyList<string> args)
    {
        var parsed = command.Parse(args, ParserSettings);
        if (parsed.Errors.Count > 0) throw new ArgumentException(string.Join("; ", parsed.Errors.Select(Line)));
        return parsed;
    }

    /// <summary>A parse error on one line, prefixed by its option's name where the message does not say it ("--study: Argument 'widths' not recognized ...").</summary>
    public static string Line(ParseError error)
    {
        var message = string.Join(" ", error.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || message.Contains(option.Name, StringComparison.Ordinal) ? message : $"{option.Name}: {message}";
    }
}
