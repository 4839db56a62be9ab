namespace RandCond.Diffusion.Sampling;

/// <summary>
/// Progress of sampling every class: denoising <see cref="Step"/> of <see cref="TotalSteps"/> over all batches, the
/// images finished so far and their rate (NaN until the first batch is done).
/// </summary>
public sealed record ClassSamplingProgress(long Step, long TotalSteps, long Images, long TotalImages, double ImagesPerSecond)
    : global::RandCond.Training.IProgressReport
{
    public global::RandCond.Training.ProgressSnapshot Snapshot =>
        new(Step, TotalSteps, [("images", Images)], ImagesPerSecond, "img/s");
}
