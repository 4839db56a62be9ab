using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>One progress report: the step it closes, each loss term's mean over its window, and images/s.</summary>
public sealed record StepReport(int Step, double[] Means, double ImagesPerSecond);

/// <summary>
/// The bookkeeping the distillers' loops share: each step's loss terms are summed on the device, read back as means once
/// per report window (the one host synchronization per LogEvery steps) with images/s and an ETA, and a time budget ends
/// the run at a report step. It keeps every report, and a checkpoint carries them (<see cref="MetadataKey"/>), so the loss
/// curve of a resumed run starts at its first step, not at the resumption.
/// </summary>
public sealed class StepLog(int totalSteps, int batchSize, int logEvery, TimeSpan? budget) : IDisposable
{
    private readonly Stopwatch window = Stopwatch.StartNew();
    private readonly Stopwatch wall = Stopwatch.StartNew();
    private readonly List<StepReport> reports = [];
    private Tensor? sums;
    private int count;

    /// <summary>The checkpoint metadata key of <see cref="ReportsJson"/>.</summary>
    public const string MetadataKey = "step_reports";

    /// <summary>Every report so far, including those restored from a checkpoint, in step order.</summary>
    public IReadOnlyList<StepReport> Reports => reports;

    /// <summary>Adds one step's terms, a 1-D float tensor (detached), to the window; call once per step.</summary>
    public void Add(Tensor terms)
    {
        if (sums is null) sums = terms.Clone().DetachFromDisposeScope();
        else sums.AddInPlace(terms);
        count++;
    }

    /// <summary>Whether <paramref name="step"/> ends the run: the last planned step, or a report step past the time budget.</summary>
    public bool EndsAt(int step) => step + 1 == totalSteps || budget is { } b && (step + 1) % logEvery == 0 && wall.Elapsed > b;

    /// <summary>Whether to report after <paramref name="step"/>: every LogEvery steps and at the end.</summary>
    public bool ReportsAt(int step, bool last) => (step + 1) % logEvery == 0 || last;

    /// <summary>The mean of each term over the window, images/s and the ETA of the remaining steps; starts a new window.</summary>
    public (double[] Means, double ImagesPerSecond, TimeSpan Eta) Read(int step)
    {
        if (sums is null) throw new InvalidOperationException("StepLog.Read: no step was added since the last read");
        double[] means;
        using (var host = sums.Cpu()) means = host.ToArray<float>().Select(v => (double)v / count).ToArray();
        double rate = count * (double)batchSize / Math.Max(window.Elapsed.TotalSeconds, 1e-9);
        var eta = TimeSpan.FromSeconds((totalSteps - step - 1) * (double)batchSize / Math.Max(rate, 1e-9));
        sums.Dispose();
        sums = null;
        count = 0;
        window.Restart();
        reports.Add(new StepReport(step + 1, means, rate));
        return (means, rate, eta);
    }

    /// <summary>The reports as JSON rows <c>[step, images/s, mean...]</c>; a non-finite value (a diverged loss) is null.</summary>
    public string ReportsJson()
    {
        static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        var rows = reports.Select(r => (JsonNode?)new JsonArray(new[] { JsonValue.Create(r.Step), Number(r.ImagesPerSecond) }
            .Concat(r.Means.Select(Number)).ToArray()));
        return new JsonArray(rows.ToArray()).ToJsonString();
    }

    /// <summary>
    /// Replaces the reports with those a checkpoint carries (none when it has no <see cref="MetadataKey"/>, as older ones);
    /// each row must hold <paramref name="terms"/> means; <paramref name="source"/> names the checkpoint in the error a
    /// malformed entry raises.
    /// </summary>
    public void Restore(IReadOnlyDictionary<string, string> metadata, string source, int terms)
    {
        reports.Clear();
        if (!metadata.TryGetValue(MetadataKey, out var json)) return;
        InvalidDataException Bad(string why) => new($"{source}: checkpoint metadata '{MetadataKey}' {why}");
        JsonArray rows;
        try { rows = JsonNode.Parse(json) as JsonArray ?? throw Bad("is not a JSON array"); }
        catch (JsonException e) { throw Bad($"is not valid JSON ({e.Message})"); }
        static double Number(JsonNode? n) => n is null ? double.NaN : n.GetValue<double>();
        foreach (var node in rows)
        {
            if (node is not JsonArray row || row.Count != terms + 2) throw Bad($"has a row that is not [step, images/s, {terms} means]");
            double[] values;
            try { values = row.Select(Number).ToArray(); }
            catch (Exception e) when (e is InvalidOperationException or FormatException) { throw Bad($"has a value that is not a number ({e.Message})"); }
            int step = (int)values[0];
            if (step != values[0] || step < 1 || (reports.Count > 0 && step <= reports[^1].Step))
                throw Bad($"has step {values[0].ToString(CultureInfo.InvariantCulture)}, not a step count after the previous row's");
            reports.Add(new StepReport(step, values[2..], values[1]));
        }
    }

    public void Dispose() => sums?.Dispose();
}
