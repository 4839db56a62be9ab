using System.Text.Json.Serialization;
using RandCond.Distillation;

namespace RandCond.Experiments;

/// <summary>
/// The loss terms of one batch of the distillation step in float32 and under BFloat16 autocast, from the same student
/// on the same batch (<see cref="DistillationBench.CheckStepPrecision"/>), and their largest relative difference:
/// what the bf16 step costs in the losses it trains on. <see cref="Tracks"/> when that difference is within
/// <see cref="Tolerance"/>.
/// </summary>
public sealed record StepPrecisionCheck(string Arm, int Batch, double Float32Total, double Bf16Total, double Float32Output, double Bf16Output,
    double Float32Feature, double Bf16Feature, double RelativeDifference, double Tolerance)
{
    /// <summary>The largest relative difference of a loss term at which the bf16 step is said to track float32.</summary>
    public const double DefaultTolerance = 0.05;

    [JsonIgnore] public bool Tracks => RelativeDifference <= Tolerance;

    public static StepPrecisionCheck Of(string arm, int batch, DistillationPreview float32, DistillationPreview bf16, double tolerance = DefaultTolerance)
    {
        static double Relative(double reference, double value) => Math.Abs(value - reference) / Math.Max(Math.Abs(reference), 1e-12);
        double difference = new[] { Relative(float32.Total, bf16.Total), Relative(float32.Output, bf16.Output), Relative(float32.Feature, bf16.Feature) }.Max();
        return new StepPrecisionCheck(arm, batch, float32.Total, bf16.Total, float32.Output, bf16.Output, float32.Feature, bf16.Feature, difference, tolerance);
    }

    public override string ToString() =>
        $"bf16 step check ({Arm}, first batch of {Batch}): loss {Bf16Total:F5} against float32 {Float32Total:F5} " +
        $"(output {Bf16Output:F5} / {Float32Output:F5}, feature {Bf16Feature:F5} / {Float32Feature:F5}); largest difference {RelativeDifference:P2}, " +
        (Tracks ? $"within the {Tolerance:P0} tolerance" : $"OVER the {Tolerance:P0} tolerance: consider the float32 step (bf16 step off)");
}
