using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// A reverse-process sampler over an increasing subsequence of a schedule's steps, walked from the last
/// (noisiest) to the first; after the first, the sample is the final x_0 estimate (ab_prev = 1 there).
/// Runs under no-grad with one dispose scope per step, so memory stays flat over any number of steps.
/// </summary>
public abstract class Sampler
{
    private readonly int[] timesteps;

    protected Sampler(NoiseSchedule schedule, IReadOnlyList<int> timesteps, double? clipX0)
    {
        RandCond.Diffusion.Timesteps.Validate(timesteps, schedule.Steps);
        if (clipX0 is <= 0) throw new ArgumentOutOfRangeException(nameof(clipX0), clipX0, "clipX0 must be positive (or null for no clipping)");
        Schedule = schedule;
        this.timesteps = timesteps.ToArray();
        ClipX0 = clipX0;
    }

    public NoiseSchedule Schedule { get; }

    /// <summary>The schedule steps the sampler visits, increasing (it walks them backwards).</summary>
    public IReadOnlyList<int> Timesteps => Array.AsReadOnly(timesteps);

    /// <summary>If set, x_0 estimates are clamped to [-ClipX0, ClipX0] (images in [-1, 1]) and eps is recomputed from them.</summary>
    public double? ClipX0 { get; }

    /// <summary>Samples from x_T ~ N(0, I) drawn from <paramref name="generator"/>.</summary>
    public Tensor Sample(Denoiser model, long[] shape, Generator? generator, DType dtype = DType.Float32, Device? device = null,
                         Action<SamplingStep>? progress = null)
    {
        using var noise = GaussianNoise.Sample(shape, dtype, device ?? generator?.Device ?? Device.CPU, generator);
        return Sample(model, noise, generator, progress);
    }

    /// <summary>Samples starting from the given x_T (not modified); fresh noise, where the sampler needs it, comes from <paramref name="generator"/>.</summary>
    public Tensor Sample(Denoiser model, Tensor noise, Generator? generator = null, Action<SamplingStep>? progress = null)
    {
        using var noGrad = Torch.NoGrad();
        var x = noise;
        for (int i = timesteps.Length - 1; i >= 0; i--)
        {
            int t = timesteps[i];
            double abPrev = i > 0 ? Schedule.AlphaBar(timesteps[i - 1]) : 1.0;
            Tensor next;
            using (var scope = Torch.NewDisposeScope())
            {
                next = Step(model, x, t, abPrev, generator).DetachFromDisposeScope();
            }
            if (!ReferenceEquals(x, noise)) x.Dispose();
            x = next;
            progress?.Invoke(new SamplingStep(timesteps.Length - 1 - i, timesteps.Length, t));
        }
        // An alias registers in the caller's dispose scope, as any other op result would.
        var result = x.Alias();
        if (!ReferenceEquals(x, noise)) x.Dispose();
        return result;
    }

    private Tensor Step(Denoiser model, Tensor x, int t, double abPrev, Generator? generator)
    {
        long batch = x.Size(0);
        var tt = Torch.Full([batch], t, DType.Int64, x.Device);
        var output = model.Predict(x, tt);
        if (!output.Shape.SequenceEqual(x.Shape))
            throw new InvalidOperationException($"{GetType().Name}: the model returned {output.Describe()} for x_t of {x.Describe()}");
        var x0 = Parameterization.Convert(Schedule, model.Prediction, Prediction.X0, x, tt, output);
        var eps = Parameterization.Convert(Schedule, model.Prediction, Prediction.Epsilon, x, tt, output);
        if (ClipX0 is double c)
        {
            x0 = x0.Clamp(-c, c);
            eps = Parameterization.EpsilonFromX0(Schedule, x, tt, x0);
        }
        return Update(x, x0, eps, Schedule.AlphaBar(t), abPrev, generator);
    }

    /// <summary>x_prev from x_t and the model's x_0 and eps estimates at a step from ab_t to ab_prev.</summary>
    protected abstract Tensor Update(Tensor xt, Tensor x0, Tensor eps, double abT, double abPrev, Generator? generator);

    protected static Tensor Noise(Tensor like, Generator? generator) => GaussianNoise.Sample(like.Shape, like.DType, like.Device, generator);
}
