namespace RandCond.Metrics;

/// <summary>
/// One progress report of <see cref="ClassifierTrainer"/>. Loss and Accuracy are means over the steps since
/// the previous report; TestAccuracy is set only in the report at an epoch's end (when a test set was given).
/// </summary>
public sealed record ClassifierTrainingProgress(
    int Epoch, int Epochs, long Step, long TotalSteps, double Loss, double Accuracy, double ImagesPerSecond,
    double LearningRate, double? TestAccuracy, TimeSpan Elapsed) : global::RandCond.Training.IProgressReport
{
    public global::RandCond.Training.ProgressSnapshot Snapshot => new(Step, TotalSteps,
        [("loss", Loss), ("acc", Accuracy), .. (TestAccuracy is { } t ? new[] { ("test", t) } : [])], ImagesPerSecond, "img/s", Remaining);

    public TimeSpan Remaining => Step == 0 ? TimeSpan.Zero : Elapsed * ((double)(TotalSteps - Step) / Step);

    public override string ToString() =>
        $"epoch {Epoch}/{Epochs} step {Step}/{TotalSteps} loss {Loss:F4} acc {Accuracy:P2} {ImagesPerSecond:F0} img/s lr {LearningRate:G3}"
        + (TestAccuracy is { } t ? $" test {t:P2}" : "") + $" eta {Remaining:hh\\:mm\\:ss}";
}

/// <summary>The outcome of a training run.</summary>
public sealed record ClassifierTrainingResult(double? TestAccuracy, double FinalLoss, double FinalAccuracy, int Epochs,
                                              long Steps, TimeSpan Elapsed, double ImagesPerSecond);
