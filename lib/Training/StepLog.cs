using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RandCond.Tensors;

namespace RandCond.Training;

/// <summary>One progress report: the step it closes, each loss term's mean over its window, and images/s.</summary>
public sealed record StepReport(int Step, double[] Means, double ImagesPerSecond);

/// <summary>
/// The bookkeeping the training loops share (teacher, random conditioning, SFDDM, CoDi): each step's loss terms are summed on the device, read back as means once
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
    private float[]? restoredSums;      // the open window of the checkpoint resumed from, until the first Add
    private int count;
    private int liveCount;              // steps of the window run by this process (the rate's numerator)

    /// <summary>The checkpoint metadata key of <see cref="ReportsJson"/>.</summary>
    public const string MetadataKey = "step_reports";

    /// <summary>The checkpoint metadata key of the open window: <c>[steps, sum...]</c>.</summary>
    public const string WindowKey = "step_window";

    /// <summary>Every report so far, including those restored from a checkpoint, in step order.</summary>
    public IReadOnlyList<StepReport> Reports => reports;

    /// <summary>Adds one step's terms, a 1-D float tensor (detached), to the window; call once per step.</summary>
    public void Add(Tensor terms)
    {
        if (sums is null && restoredSums is not null)
        {
            if (restoredSums.Length != terms.Size(0))
                throw new ArgumentException($"StepLog.Add: {terms.Size(0)} terms, but the restored window has {restoredSums.Length}", nameof(terms));
            using var scope = Torch.NewDisposeScope();
            sums = Torch.FromArray(restoredSums, device: terms.Device).DetachFromDisposeScope();
            restoredSums = null;
        }
        if (sums is null) sums = terms.Clone().DetachFromDisposeScope();
        else sums.AddInPlace(terms);
        count++;
        liveCount++;
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
        double rate = liveCount * (double)batchSize / Math.Max(window.Elapsed.TotalSeconds, 1e-9);
        var eta = TimeSpan.FromSeconds((totalSteps - step - 1) * (double)batchSize / Math.Max(rate, 1e-9));
        sums.Dispose();
        sums = null;
        count = liveCount = 0;
        window.Restart();
        reports.Add(new StepReport(step + 1, means, rate));
        return (means, rate, eta);
    }

    /// <summary>What a checkpoint carries of the log: the reports (<see cref="MetadataKey"/>) and the open window (<see cref="WindowKey"/>).</summary>
    public IReadOnlyDictionary<string, string> Metadata()
    {
        var meta = new Dictionary<string, string> { [MetadataKey] = ReportsJson() };
        float[]? open = restoredSums;
        if (sums is not null)
            using (var host = sums.Cpu()) open = host.ToArray<float>();
        if (open is not null && count > 0)
            meta[WindowKey] = new JsonArray(new JsonNode?[] { JsonValue.Create(count) }.Concat(open.Select(v => (JsonNode?)JsonValue.Create(v))).ToArray()).ToJsonString();
        return meta;
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
        RestoreWindow(metadata, source, terms);
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

    private void RestoreWindow(IReadOnlyDictionary<string, string> metadata, string source, int terms)
    {
        sums?.Dispose();
        (sums, restoredSums, count, liveCount) = (null, null, 0, 0);
        if (!metadata.TryGetValue(WindowKey, out var json)) return;
        InvalidDataException Bad(string why) => new($"{source}: checkpoint metadata '{WindowKey}' {why}");
        float[] values;
        try
        {
            var row = JsonNode.Parse(json) as JsonArray ?? throw Bad("is not a JSON array");
            if (row.Count != terms + 1) throw Bad($"is not [steps, {terms} sums]");
            count = row[0]!.GetValue<int>();
            values = row.Skip(1).Select(n => n!.GetValue<float>()).ToArray();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw Bad($"is not [steps, {terms} numbers] ({e.Message})");
        }
        if (count < 1) throw Bad($"has {count} steps; an open window has at least one");
        restoredSums = values;
    }

    public void Dispose() => sums?.Dispose();
}
