using System.Globalization;
using RandCond.Data;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>"--name value" options of a lab verb, with typed getters that name the option in their errors.</summary>
public sealed class LabArguments
{
    private readonly Dictionary<string, string> values = new();
    private readonly HashSet<string> used = new();

    public LabArguments(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--") || args[i].Length == 2) throw new ArgumentException($"unexpected argument '{args[i]}' (options are --name value)");
            var name = args[i][2..];
            if (values.ContainsKey(name)) throw new ArgumentException($"--{name} is given twice");
            values[name] = i + 1 < args.Count && !args[i + 1].StartsWith("--") ? args[++i] : "true";
        }
    }

    public string String(string name, string fallback)
    {
        used.Add(name);
        return values.TryGetValue(name, out var v) ? v : fallback;
    }

    public string? Optional(string name)
    {
        used.Add(name);
        return values.TryGetValue(name, out var v) ? v : null;
    }

    public int Int(string name, int fallback) => Parse(name, fallback, s => int.Parse(s, CultureInfo.InvariantCulture));
    public double Double(string name, double fallback) => Parse(name, fallback, s => double.Parse(s, CultureInfo.InvariantCulture));
    /// <summary>--name true|false.</summary>
    public bool Bool(string name, bool fallback) => Parse(name, fallback, s => s switch
    {
        "true" => true,
        "false" => false,
        _ => throw new FormatException("expected true or false"),
    });
    public Device Device() => Tensors.Device.Parse(String("device", "cpu"));

    /// <summary>
    /// --cuda-graph true|false: replay each training step as a CUDA graph. On by default on a CUDA device, where it trains the
    /// same model faster (SFDDM on an H100: 3,800 steps in 146 s against 364 s eager, same loss and FD; README); a CPU has no graphs.
    /// </summary>
    public bool CudaGraph(Device device) => Bool("cuda-graph", device.IsCuda);

    public DatasetKind Dataset(string fallback = "mnist") => String("dataset", fallback) switch
    {
        "mnist" => DatasetKind.Mnist,
        "fashion-mnist" or "fashion" => DatasetKind.FashionMnist,
        var other => throw new ArgumentException($"--dataset: unknown '{other}' (mnist, fashion-mnist)"),
    };

    /// <summary>
    /// The options every verb shares on where it writes: --record (records into results/, models into data/: what is
    /// committed) or --out DIR (everything into DIR); neither: under .cache/. Dispose the scope when the verb is done.
    /// </summary>
    public IDisposable? OutputScope()
    {
        bool record = Bool("record", false);
        var folder = Optional("out");
        if (record && folder is not null) throw new ArgumentException("--record and --out: give one (--record writes into results/ and data/, --out into its folder)");
        if (folder == "true") throw new ArgumentException("--out: expected a folder");
        return record ? RepoPaths.Recording() : folder is not null ? RepoPaths.WritingTo(folder) : null;
    }

    /// <summary>Fails on options the verb did not read (typos should not be silently ignored).</summary>
    public void CheckAllUsed()
    {
        var unknown = values.Keys.Where(k => !used.Contains(k)).ToArray();
        if (unknown.Length > 0) throw new ArgumentException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}");
    }

    private T Parse<T>(string name, T fallback, Func<string, T> parse)
    {
        used.Add(name);
        if (!values.TryGetValue(name, out var v)) return fallback;
        try { return parse(v); }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ArgumentException($"--{name}: '{v}' is not a valid {typeof(T).Name}");
        }
    }
}
