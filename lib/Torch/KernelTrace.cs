using System.Text.Json;

namespace RandCond.Tensors;

/// <summary>The GPU kernels of a Chrome trace written by <see cref="Profiler"/> (or torch.profiler): time and launches, summed by kernel name.</summary>
public sealed record KernelTrace(double TotalMs, long Launches, IReadOnlyList<KernelTrace.Kernel> Kernels)
{
    /// <summary>One kernel name's total: milliseconds and launches.</summary>
    public sealed record Kernel(string Name, double Ms, long Calls);

    /// <summary>One kind's total (<see cref="KernelKind"/>): milliseconds, launches and share of the kernel time.</summary>
    public sealed record Kind(string Name, double Ms, long Calls, double Share);

    /// <summary>The kernels summed by <see cref="KernelKind.Of"/>, longest first.</summary>
    public IReadOnlyList<Kind> ByKind() =>
        Kernels.GroupBy(k => KernelKind.Of(k.Name))
            .Select(g => new Kind(g.Key, g.Sum(k => k.Ms), g.Sum(k => k.Calls), TotalMs > 0 ? g.Sum(k => k.Ms) / TotalMs : 0))
            .OrderByDescending(k => k.Ms).ToList();

    /// <summary>Reads the complete ("ph": "X") events whose category is "kernel"; kernels sorted by total time, longest first.</summary>
    public static KernelTrace Read(string tracePath)
    {
        using var stream = File.OpenRead(tracePath);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(stream); }
        catch (JsonException e) { throw new InvalidDataException($"{tracePath}: not a JSON trace: {e.Message}", e); }
        using var _ = doc;
        if (!doc.RootElement.TryGetProperty("traceEvents", out var events) || events.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{tracePath}: no traceEvents array (not a Chrome trace)");
        var totals = new Dictionary<string, (double Us, long Calls)>();
        foreach (var e in events.EnumerateArray())
        {
            if (!e.TryGetProperty("cat", out var cat) || !string.Equals(cat.GetString(), "kernel", StringComparison.OrdinalIgnoreCase)) continue;
            if (!e.TryGetProperty("dur", out var dur) || !e.TryGetProperty("name", out var name)) continue;
            string key = name.GetString() ?? "";
            var (us, calls) = totals.GetValueOrDefault(key);
            totals[key] = (us + dur.GetDouble(), calls + 1);
        }
        var kernels = totals.Select(kv => new Kernel(kv.Key, kv.Value.Us / 1e3, kv.Value.Calls)).OrderByDescending(k => k.Ms).ToList();
        return new KernelTrace(kernels.Sum(k => k.Ms), kernels.Sum(k => k.Calls), kernels);
    }
}
