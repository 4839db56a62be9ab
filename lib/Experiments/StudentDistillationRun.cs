using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// A student's distillation begun by <see cref="StudentDistillation.Start"/>: advance it to the end (alone or in
/// <see cref="Lockstep"/> with others), then <see cref="Finish"/> takes its EMA student. Disposing releases what the run
/// holds (the student, its tokens, its step); the student <see cref="Finish"/> returned stays the caller's.
/// </summary>
public sealed class StudentDistillationRun : ITrainingCursor
{
    private readonly DistillationOptions options;
    private readonly TextWriter log;
    private readonly DistillationStudent ema;
    private readonly DistillationRun cursor;
    private readonly List<IDisposable> owned;

    internal StudentDistillationRun(string name, DistillationOptions options, TextWriter log, long runId, DistillationStudent student,
        DistillationStudent ema, DistillationRun cursor, List<IDisposable> owned)
    {
        (Name, this.options, this.log, RunId, Student, this.ema, this.cursor, this.owned) = (name, options, log, runId, student, ema, cursor, owned);
    }

    public string Name { get; }
    public long RunId { get; }

    /// <summary>The student being trained (its EMA copy is what <see cref="Finish"/> returns).</summary>
    public DistillationStudent Student { get; }

    public bool Finished => cursor.Finished;
    public bool Advance() => cursor.Advance();

    /// <summary>
    /// Ends the run: logs a stop by the time budget, puts the EMA student in evaluation mode and hands it over (its
    /// feature projections are dropped); returns it with the outcome and the run-store id. Call once, after the last step.
    /// </summary>
    public (TextDiffusionModel Student, DistillationOutcome Outcome, long RunId) Finish()
    {
        if (!owned.Remove(ema)) throw new InvalidOperationException($"{Name}: the run was finished already");
        var outcome = cursor.Outcome;
        if (outcome.Steps < options.Steps)
            log.WriteLine($"  {Name}: its time budget ({options.TimeBudget?.TotalMinutes.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} min) " +
                          $"stopped it after {outcome.Steps} of {options.Steps} steps; the same command resumes it from its checkpoint");
        ema.Student.Eval();
        ema.Projections.Dispose();
        return (ema.Student, outcome, RunId);
    }

    public void Dispose()
    {
        for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
        owned.Clear();
    }
}
