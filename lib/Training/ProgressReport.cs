namespace RandCond.Training;

/// <summary>A progress report that a <see cref="ProgressLine"/> can show: the library's training and sampling reports implement it.</summary>
public interface IProgressReport
{
    ProgressSnapshot Snapshot { get; }
}

/// <summary>
/// Where long work stands: <see cref="Step"/> of <see cref="Total"/>, named values (losses, accuracies), a rate in
/// <see cref="RateUnit"/> (NaN: the line measures steps/s itself) and an ETA (null: estimated from the rate).
/// </summary>
public sealed record ProgressSnapshot(
    long Step, long Total, IReadOnlyList<(string Name, double Value)> Values,
    double Rate = double.NaN, string RateUnit = "it/s", TimeSpan? Eta = null) : IProgressReport
{
    public ProgressSnapshot Snapshot => this;
}
