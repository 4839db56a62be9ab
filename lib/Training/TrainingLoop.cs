using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Training;

/// <summary>One progress report of a <see cref="TrainingLoop"/>: the step it closes, each loss term's mean over its window, images/s and the ETA.</summary>
/// <param name="Restored">a report of an earlier run that this one resumes, replayed from the checkpoint (its ETA is zero)</param>
public sealed record TrainingReport(int Step, int TotalSteps, IReadOnlyList<double> Means, double ImagesPerSecond, TimeSpan Eta, bool Restored);

/// <summary>The step a run reached and every report, those restored from the checkpoint it resumed included (first).</summary>
public sealed record TrainingOutcome(int Steps, IReadOnlyList<TrainingReport> Reports);

/// <summary>
/// The loop every training method runs (teacher training, random conditioning, SFDDM, CoDi): resume from the checkpoint
/// (when there is one; its reports are replayed first), then for each step set the scheduled learning rate, run the
/// method's step function in a dispose scope and log the loss terms it returns (<see cref="StepLog"/>), report every
/// <see cref="LogEvery"/> steps, save a checkpoint every <see cref="CheckpointEvery"/> steps and at the end, and stop
/// early at a report once the time budget is spent. Cancellation is checked before each step.
/// </summary>
public sealed class TrainingLoop
{
    public required int Steps { get; init; }

    /// <summary>Images a step trains on (for images/s and the ETA).</summary>
    public required int BatchSize { get; init; }

    /// <summary>The names of the loss terms the step function returns, in order (recorded in the checkpoint; a checkpoint of other terms is refused).</summary>
    public required IReadOnlyList<string> Terms { get; init; }

    public int LogEvery { get; init; } = 100;
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>Stops (with a checkpoint) at the first report after this much wall time; null = no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>The rate of step s is <c>LearningRates.At(s, Steps)</c>, set on every optimizer that takes a schedule; null = the optimizers' own rates.</summary>
    public LearningRateSchedule? LearningRates { get; init; }

    /// <summary>What the checkpoint holds; its optimizers are the ones the schedule sets.</summary>
    public CheckpointParts Parts { get; init; } = new([], []);

    /// <summary>Null: no checkpoint is read or written.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Entries that identify the run's recipe: written into the checkpoint, and a checkpoint that records any of them otherwise is refused.</summary>
    public IReadOnlyDictionary<string, string> Recipe { get; init; } = new Dictionary<string, string>();

    /// <summary>The checkpoint metadata key of <see cref="Terms"/>.</summary>
    public const string TermsKey = "loss_terms";

    /// <param name="step">runs step s (0-based) and returns its loss terms, a 1-D float tensor of <see cref="Terms"/>.Count values (detached)</param>
    /// <param name="report">hears every report, the restored ones first</param>
    public TrainingOutcome Run(Func<int, Tensor> step, Action<TrainingReport>? report = null, CancellationToken cancel = default)
    {
        using var run = Start(step, report, cancel);
        while (run.Advance()) { }
        return run.Outcome;
    }

    /// <summary>
    /// The run as a cursor: resumes from the checkpoint (replaying its reports) now, then each <see cref="TrainingRun.Advance"/>
    /// runs one step, so that a caller can interleave the steps of several runs (<see cref="Lockstep"/>).
    /// </summary>
    /// <inheritdoc cref="Run" path="/param"/>
    public TrainingRun Start(Func<int, Tensor> step, Action<TrainingReport>? report = null, CancellationToken cancel = default)
    {
        if (Steps < 0 || BatchSize < 1 || LogEvery < 1 || CheckpointEvery < 1 || Terms.Count < 1)
            throw new ArgumentException($"TrainingLoop: needs Steps >= 0 (is {Steps}), BatchSize, LogEvery and CheckpointEvery >= 1 " +
                                        $"(are {BatchSize}, {LogEvery}, {CheckpointEvery}) and at least one loss term");
        return new TrainingRun(this, step, report, cancel);
    }
}

/// <summary>One run of a <see cref="TrainingLoop"/>, a step at a time (<see cref="TrainingLoop.Start"/>).</summary>
public sealed class TrainingRun : ITrainingCursor
{
    private readonly TrainingLoop loop;
    private readonly Func<int, Tensor> step;
    private readonly Action<TrainingReport>? report;
    private readonly CancellationToken cancel;
    private readonly List<TrainingReport> reports = [];
    private readonly Dictionary<string, string> recipe;
    private readonly StepLog log;
    private readonly int start;
    private int next;
    private int? ended;

    internal TrainingRun(TrainingLoop loop, Func<int, Tensor> step, Action<TrainingReport>? report, CancellationToken cancel)
    {
        (this.loop, this.step, this.report, this.cancel) = (loop, step, report, cancel);
        recipe = new Dictionary<string, string>(loop.Recipe) { [TrainingLoop.TermsKey] = string.Join(",", loop.Terms) };
        log = new StepLog(loop.Steps, loop.BatchSize, loop.LogEvery, loop.TimeBudget);
        try
        {
            if (loop.CheckpointPath is { } path)
            {
                CheckpointFiles.RemoveStaleTemporaries(path);
                if (File.Exists(path))
                {
                    (start, var metadata) = TrainingCheckpoint.Load(path, loop.Parts, recipe);
                    log.Restore(metadata, path, loop.Terms.Count);
                    foreach (var r in log.Reports) Emit(new TrainingReport(r.Step, loop.Steps, r.Means, r.ImagesPerSecond, TimeSpan.Zero, Restored: true));
                }
            }
        }
        catch
        {
            log.Dispose();
            throw;
        }
        next = start;
    }

    /// <summary>Whether every step has run (or the time budget ended the run).</summary>
    public bool Finished => ended is not null || next >= loop.Steps;

    /// <summary>The step reached and every report so far.</summary>
    public TrainingOutcome Outcome => new(ended ?? Math.Max(start, Math.Min(next, loop.Steps)), reports);

    /// <summary>
    /// Runs the next step: sets the scheduled learning rate, runs the step function in a dispose scope, reports and saves
    /// a checkpoint where due. Returns false (running nothing) once the run is finished; checks cancellation first.
    /// </summary>
    public bool Advance()
    {
        if (Finished) return false;
        cancel.ThrowIfCancellationRequested();
        int s = next++;
        if (loop.LearningRates is not null)
            foreach (var optimizer in loop.Parts.Optimizers) optimizer.SetLearningRate?.Invoke(loop.LearningRates.At(s, loop.Steps));
        using (var scope = Torch.NewDisposeScope())
            log.Add(step(s));
        bool last = log.EndsAt(s);
        if (log.ReportsAt(s, last))
        {
            var (means, rate, eta) = log.Read(s);
            Emit(new TrainingReport(s + 1, loop.Steps, means, rate, eta, Restored: false));
        }
        if (loop.CheckpointPath is not null && ((s + 1) % loop.CheckpointEvery == 0 || last))
            TrainingCheckpoint.Save(loop.CheckpointPath, loop.Parts, s + 1, new Dictionary<string, string>(log.Metadata()).Concat(recipe).ToDictionary());
        if (last) ended = s + 1;
        return true;
    }

    private void Emit(TrainingReport r)
    {
        reports.Add(r);
        report?.Invoke(r);
    }

    public void Dispose() => log.Dispose();
}
