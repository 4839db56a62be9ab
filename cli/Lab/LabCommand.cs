using System.CommandLine;
using RandCond.Experiments;

namespace RandCond.Cli.Lab;

/// <summary>
/// A lab verb: its typed options, mapped onto the lab's configuration, then the lab's typed entry point. Every verb
/// takes where it writes: --out DIR (everything into DIR) or --record (records into results/, models into data/);
/// neither: under .cache/. A failure inside the run is one line on stderr (<see cref="CommandFailure"/>).
/// </summary>
public abstract class LabCommand : Command
{
    private readonly Option<string?> output = new("--out")
    {
        Description = "Write records, figures and models into this folder (default: under .cache/)", HelpName = "dir",
    };

    private readonly Option<bool> record = new("--record")
    {
        Description = "Write records into results/ and teachers, classifiers into data/: the committed files",
    };

    protected LabCommand(string name, string description) : base(name, description)
    {
        AddOptions();
        Validators.Add(result =>
        {
            if (result.GetValue(record) && result.GetValue(output) is not null)
                result.AddError("--record and --out: give one (--record writes into results/ and data/, --out into its folder)");
        });
        SetAction(parsed =>
        {
            var stderr = parsed.InvocationConfiguration.Error;
            try
            {
                using var scope = parsed.GetValue(record) ? RepoPaths.Recording()
                    : parsed.GetValue(output) is { } folder ? RepoPaths.WritingTo(folder) : null;
                return Execute(parsed, parsed.InvocationConfiguration.Output);
            }
            catch (Exception e)
            {
                return CommandFailure.Report(e, stderr);
            }
        });
    }

    /// <summary>Runs the verb on the parsed options; the log is stdout.</summary>
    protected abstract int Execute(ParseResult parsed, TextWriter log);

    /// <summary>Adds options in the order help lists them, before --out and --record; numbers read in the invariant culture.</summary>
    protected void AddOptions(params Option[] options)
    {
        Options.Remove(output);
        Options.Remove(record);
        foreach (var option in options)
        {
            LabOptions.ReadNumbersInvariantly(option);
            Options.Add(option);
        }
        Options.Add(output);
        Options.Add(record);
    }
}

/// <summary>A lab verb whose options describe a configuration record; <see cref="Config"/> is what tests assert on.</summary>
public abstract class LabCommand<TConfig>(string name, string description) : LabCommand(name, description)
{
    /// <summary>The configuration the parsed options describe: the --scale preset with every given option applied.</summary>
    public abstract TConfig Config(ParseResult parsed);

    /// <summary>Parses <paramref name="args"/> (the verb's options) and maps them; throws ArgumentException with the parse errors.</summary>
    public TConfig Config(params string[] args) => Config(LabCommands.ParseOrThrow(this, args));
}
