using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>A <see cref="NoiseSchedule"/> as 1-D tensors (length T) on one device; owned by the schedule.</summary>
public sealed class ScheduleTensors : IDisposable
{
    public required Tensor Betas { get; init; }
    public required Tensor Alphas { get; init; }
    public required Tensor AlphaBars { get; init; }
    public required Tensor SqrtAlphaBars { get; init; }
    public required Tensor SqrtOneMinusAlphaBars { get; init; }
    /// <summary>For a subsequence schedule: the parent's step of each step (Int64); else null.</summary>
    public Tensor? ParentSteps { get; init; }

    internal static ScheduleTensors Create(double[] betas, double[] alphas, double[] alphaBars, IReadOnlyList<int>? parents, Device device, DType dtype)
    {
        // Square roots are taken in float64 on the host, before any rounding to dtype.
        Tensor Make(double[] values)
        {
            using var host = Torch.FromArray(values);
            return host.To(device, dtype).DetachFromDisposeScope();
        }
        return new ScheduleTensors
        {
            Betas = Make(betas),
            Alphas = Make(alphas),
            AlphaBars = Make(alphaBars),
            SqrtAlphaBars = Make(Array.ConvertAll(alphaBars, Math.Sqrt)),
            SqrtOneMinusAlphaBars = Make(Array.ConvertAll(alphaBars, ab => Math.Sqrt(1 - ab))),
            ParentSteps = parents is null ? null : Torch.FromArray(parents.Select(i => (long)i).ToArray(), device: device).DetachFromDisposeScope(),
        };
    }

    public void Dispose()
    {
        Betas.Dispose();
        Alphas.Dispose();
        AlphaBars.Dispose();
        SqrtAlphaBars.Dispose();
        SqrtOneMinusAlphaBars.Dispose();
        ParentSteps?.Dispose();
    }
}
