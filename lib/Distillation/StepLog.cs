using System.Diagnostics;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// The bookkeeping the distillers' loops share: each step's loss terms are summed on the device, read back as means once
/// per report window (the one host synchronization per LogEvery steps) with images/s and an ETA, and a time budget ends
/// the run at a report step.
/// </summary>
public sealed class StepLog(int totalSteps, int batchSize, int logEvery, TimeSpan? budget) : IDisposable
{
    private readonly Stopwatch window = Stopwatch.StartNew();
    private readonly Stopwatch wall = Stopwatch.StartNew();
    private Tensor? sums;
    private int count;

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
        return (means, rate, eta);
    }

    public void Dispose() => sums?.Dispose();
}
