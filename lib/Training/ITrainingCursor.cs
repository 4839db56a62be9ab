namespace RandCond.Training;

/// <summary>A training run taken one step at a time: <see cref="TrainingRun"/>, a student's distillation run.</summary>
public interface ITrainingCursor : IDisposable
{
    /// <summary>Whether every step has run (or a time budget ended the run).</summary>
    bool Finished { get; }

    /// <summary>Runs the next step; false (running nothing) once the run is finished.</summary>
    bool Advance();
}
