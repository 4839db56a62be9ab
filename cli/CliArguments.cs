namespace RandCond.Cli;

/// <summary>A parsed command line: the verb, its positional arguments, -p assignments and --out.</summary>
public sealed record CliArguments(string Verb, IReadOnlyList<string> Positionals, IReadOnlyList<string> Parameters, string? Out)
{
    /// <summary>Parses by hand; returns null with <paramref name="error"/> set when the arguments are bad.</summary>
    public static CliArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        if (args.Count == 0) { error = "no command given"; return null; }
        var positionals = new List<string>();
        var parameters = new List<string>();
        string? output = null;
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
                    if (++i >= args.Count) { error = $"{arg} needs a path"; return null; }
                    if (output is not null) { error = "--out given twice"; return null; }
                    output = args[i];
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
        return new CliArguments(args[0], positionals, parameters, output);
    }
}
