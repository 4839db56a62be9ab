using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using RandCond.Data;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>
/// The options the lab verbs share, and the ways their values are read: every bad value becomes a parse error that
/// names the option ("--held-out: expected 0 to 9; got 12"), so a verb never starts on it.
/// </summary>
public static class LabOptions
{
    public static readonly string[] Scales = ["smoke", "quick", "paper"];

    public static Option<string> Scale(string fallback) =>
        new Option<string>("--scale") { Description = "The preset every size comes from", DefaultValueFactory = _ => fallback }
            .AcceptOnlyFromAmong(Scales);

    public static Option<Device> Device(string fallback = "cpu") => Parsed("--device", "The device to run on", Tensors.Device.Parse,
        fallback, "cpu|cuda|cuda:N");

    /// <summary>--dataset mnist|fashion-mnist (or fashion); read by <see cref="DatasetNamed"/>.</summary>
    public static Option<string> Dataset(string fallback = "mnist") =>
        new Option<string>("--dataset") { Description = "The dataset", DefaultValueFactory = _ => fallback }.AcceptOnlyFromAmong("mnist", "fashion-mnist", "fashion");

    public static DatasetKind DatasetNamed(string name) => name switch
    {
        "mnist" => DatasetKind.Mnist,
        "fashion-mnist" or "fashion" => DatasetKind.FashionMnist,
        _ => throw new ArgumentException($"unknown '{name}' (mnist, fashion-mnist)"),
    };

    /// <summary>--clip-x0 V|none: DDIM clips each step's estimate x^ to [-V, V] (default 1, the data's range), or not at all; read by <see cref="ClipBound"/>.</summary>
    /// <summary>--teacher: a teacher file instead of the default one, which <paramref name="fallback"/> describes.</summary>
    public static Option<string?> TeacherFile(string fallback = "the dataset's of --size") =>
        new("--teacher") { Description = $"A teacher file (default: {fallback})", HelpName = "path" };

    /// <summary>--classifier: a classifier file instead of the dataset's in data/classifiers.</summary>
    public static Option<string?> ClassifierFile() =>
        new("--classifier") { Description = "A classifier file (default: the dataset's in data/classifiers)", HelpName = "path" };

    public static Option<string> ClipX0() =>
        new Option<string>("--clip-x0") { Description = "Clip every DDIM step's estimate x^ to [-V, V], or 'none'", HelpName = "V|none", DefaultValueFactory = _ => "1" }
            .Checked(text => ClipBound(text));

    /// <summary>The bound of --clip-x0, or null for "none".</summary>
    public static double? ClipBound(string text) => text == "none" ? null : Positive(ParseDouble(text));

    /// <summary>An option of one value read by <paramref name="parse"/>; its exceptions become the option's parse error.</summary>
    public static Option<T> Parsed<T>(string name, string description, Func<string, T> parse, string? fallback, string helpName)
    {
        var option = new Option<T>(name)
        {
            Description = description, HelpName = helpName, Arity = ArgumentArity.ExactlyOne,
            CustomParser = result => Read(result, Token(result), parse),
        };
        if (fallback is not null) option.DefaultValueFactory = _ => parse(fallback);
        return option;
    }

    /// <summary>
    /// Makes a number option read its value in the invariant culture ("2e-4", "0.5" whatever the machine's language),
    /// as the records and scripts write them; System.CommandLine's own conversion follows the current culture.
    /// </summary>
    public static void ReadNumbersInvariantly(Option option)
    {
        switch (option)
        {
            case Option<int> o when o.CustomParser is null: o.CustomParser = r => Read(r, Token(r), Whole); break;
            case Option<int?> o when o.CustomParser is null: o.CustomParser = r => Read<int?>(r, Token(r), t => Whole(t)); break;
            case Option<double> o when o.CustomParser is null: o.CustomParser = r => Read(r, Token(r), ParseDouble); break;
            case Option<double?> o when o.CustomParser is null: o.CustomParser = r => Read<double?>(r, Token(r), t => ParseDouble(t)); break;
        }
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : "";

    private static int Whole(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"'{text}' is not a whole number");

    /// <summary>The value of a list option the command line gave; null when it was not given (a list option's default reads as empty).</summary>
    public static T[]? Given<T>(this ParseResult parsed, Option<T[]?> option) =>
        parsed.GetResult(option) is { Implicit: false } ? parsed.GetValue(option) : null;

    /// <summary>A comma-separated list of positive integers ("100,50,20").</summary>
    public static Option<int[]?> PositiveInts(string name, string description, int max = int.MaxValue) => Parsed<int[]?>(name, description,
        text => List(text, part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 1 && v <= max
            ? v
            : throw new ArgumentException($"'{part}' is not a whole number from 1 to {max}")), null, "N,N,...");

    /// <summary>A comma-separated list of names, each read by <paramref name="parse"/>.</summary>
    public static T[] List<T>(string text, Func<string, T> parse)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new ArgumentException("expected a comma-separated list; got nothing");
        return parts.Select(parse).ToArray();
    }

    /// <summary>
    /// A true|false switch whose default depends on other options (null: not given); alone, it means true. The fast
    /// paths' switches are these: on by default on a CUDA device.
    /// </summary>
    public static Option<bool?> Switch(string name, string description) => new(name)
    {
        Description = description, HelpName = "true|false", Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => Read<bool?>(result, result.Tokens.Count == 0 ? "true" : result.Tokens[0].Value, text => text switch
        {
            "true" => true,
            "false" => false,
            _ => throw new ArgumentException($"expected true or false; got '{text}'"),
        }),
    };

    /// <summary>Refuses a given value outside [<paramref name="min"/>, <paramref name="max"/>], naming the option.</summary>
    public static Option<T> InRange<T>(this Option<T> option, double min, double max = double.PositiveInfinity)
    {
        option.Validators.Add(result =>
        {
            if (!Given(result, out T value)) return;
            double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (!(v >= min && v <= max))
                result.AddError(double.IsPositiveInfinity(max)
                    ? $"{option.Name}: expected at least {min.ToString(CultureInfo.InvariantCulture)}; got {v.ToString(CultureInfo.InvariantCulture)}"
                    : $"{option.Name}: expected {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}; got {v.ToString(CultureInfo.InvariantCulture)}");
        });
        return option;
    }

    /// <summary>Refuses a given value that is not above zero, naming the option.</summary>
    public static Option<T> Positive<T>(this Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (!Given(result, out T value)) return;
            double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (!(v > 0)) result.AddError($"{option.Name}: expected a positive number; got {v.ToString(CultureInfo.InvariantCulture)}");
        });
        return option;
    }

    /// <summary>Refuses a given value that <paramref name="check"/> throws on (e.g. a student spec that does not parse), with its message.</summary>
    public static Option<T> Checked<T>(this Option<T> option, Action<T> check)
    {
        option.Validators.Add(result =>
        {
            if (!Given(result, out T value)) return;
            try { check(value); }
            catch (Exception e) when (e is ArgumentException or FormatException) { result.AddError($"{option.Name}: {e.Message}"); }
        });
        return option;
    }

    /// <summary>The value of an option the command line gave and that parsed (a value that did not parse has its error already).</summary>
    private static bool Given<T>(OptionResult result, out T value)
    {
        value = default!;
        if (result.Implicit || result.Errors.Any()) return false;
        try
        {
            value = result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        return value is not null;
    }

    /// <summary>Appends the knob's value in each scale's preset to the option's description ("smoke: 2, quick: 700, paper: 2500").</summary>
    public static Option<T> PerScale<T, TConfig>(this Option<T> option, Func<string, TConfig> preset, Func<TConfig, object?> knob)
    {
        var values = Scales.Select(s => $"{s}: {Format(knob(preset(s)))}");
        option.Description = $"{option.Description} (default: the scale's, {string.Join(", ", values)})";
        return option;
    }

    private static string Format(object? value) => value switch
    {
        null => "none",
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        IEnumerable<int> list => string.Join(",", list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static T Read<T>(ArgumentResult result, string text, Func<string, T> parse)
    {
        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            var name = (result.Parent as OptionResult)?.Option.Name ?? result.Argument.Name;
            result.AddError(e.Message.StartsWith(name + ":", StringComparison.Ordinal) ? e.Message : $"{name}: {e.Message}");
            return default!;
        }
    }

    private static double ParseDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"'{text}' is not a number");

    private static double Positive(double value) => value > 0 ? value : throw new ArgumentException($"must be positive; got {value.ToString(CultureInfo.InvariantCulture)}");
}
