using System.Globalization;

namespace RandCond.Cli;

/// <summary>A parsed command line of `run` / `run-all`: the verb, its positional arguments and options.</summary>
public sealed record CliArguments(
    string Verb, IReadOnlyList<string> Positionals, IReadOnlyList<string> Parameters, string? Out, bool InPlace, TimeSpan? CellTimeout)
{
    /// <summary>Parses by hand; returns null with <paramref name="error"/> set when the arguments are bad.</summary>
    public static CliArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        if (args.Count == 0) { error = "no command given"; return null; }
        var positionals = new List<string>();
        var parameters = new List<string>();
        string? output = null;
        var inPlace = false;
        TimeSpan? cellTimeout = null;
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-p" or "--parameter":
                    if (++i >= args.Count) { error = $"{arg} needs name=value"; return null; }
                    parameters.Add(args[i]);
                    break;
                case "--out" or "-o":
                    if (++i >= args.Count) { error = $"{arg} needs a folder"; return null; }
                    if (output is not null) { error = "--out given twice"; return null; }
                    output = args[i];
                    break;
                case "--in-place":
                    inPlace = true;
                    break;
                case "--cell-timeout":
                    if (++i >= args.Count) { error = $"{arg} needs a number of seconds"; return null; }
                    if (!double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                        || !(seconds > 0) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
                    {
                        error = $"--cell-timeout: '{args[i]}' is not a positive number of seconds";
                        return null;
                    }
                    cellTimeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "--":
                    positionals.AddRange(args.Skip(i + 1));
                    i = args.Count;
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1) { error = $"unknown option {arg}"; return null; }
                    positionals.Add(arg);
                    break;
            }
        }
        if (inPlace && output is not null) { error = "give --out FOLDER or --in-place, not both"; return null; }
        if (output is not null && output.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
        {
            error = $"--out takes a folder (the executed notebook is written there under its own name), not '{output}'";
            return null;
        }
        return new CliArguments(args[0], positionals, parameters, output, inPlace, cellTimeout);
    }
}
