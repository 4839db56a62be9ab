using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// A sampler run as one CUDA graph (a <see cref="GraphedFunction"/>): the whole walk from x_T to x_0, every step's
/// network call, guidance and update, is recorded once and then replayed with a single launch, so the host's
/// per-operator work, which dominates a small network's sampling, drops out. The first call samples eagerly, the second
/// records the walk on copies of its inputs and replays it, and later calls copy their noise and conditions into those
/// copies and replay. Inputs
/// must keep the first call's shapes and types. The model is rebuilt over the recorded condition tensors by
/// <c>bind</c>, so bind conditions through it rather than capturing other tensors that change between calls.
/// Fresh noise (eta &gt; 0) comes from the default CUDA generator, which libtorch advances on every replay.
/// </summary>
public sealed class GraphedSampler : IDisposable
{
    private readonly GraphedFunction graphed;

    /// <param name="bind">The denoiser over a list of condition tensors (e.g. tokens, to guide with <see cref="ClassifierFreeGuidance"/>).</param>
    public GraphedSampler(Sampler sampler, Func<IReadOnlyList<Tensor>, Denoiser> bind)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(bind);
        graphed = new GraphedFunction(inputs => [sampler.Sample(bind(inputs[1..]), inputs[0])]);
    }

    public bool IsCaptured => graphed.IsCaptured;

    /// <summary>Samples from x_T = <paramref name="noise"/> (a CUDA tensor, not modified) under <paramref name="conditions"/>; the result is the caller's.</summary>
    public Tensor Sample(Tensor noise, params Tensor[] conditions)
    {
        ArgumentNullException.ThrowIfNull(noise);
        return graphed.Run([noise, .. conditions])[0];
    }

    public void Dispose() => graphed.Dispose();
}
