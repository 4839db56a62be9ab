namespace RandCond.Diffusion.Sampling;

/// <summary>Progress of a sampler: step <see cref="Index"/> (0-based) of <see cref="Count"/>, at schedule step <see cref="Timestep"/>, just finished.</summary>
public readonly record struct SamplingStep(int Index, int Count, int Timestep) : global::RandCond.Training.IProgressReport
{
    public global::RandCond.Training.ProgressSnapshot Snapshot => new(Index + 1, Count, [("t", Timestep)], RateUnit: "steps/s");
}
