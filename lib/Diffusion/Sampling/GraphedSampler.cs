using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// A sampler run as one CUDA graph: the whole walk from x_T to x_0 (every step's network call, guidance and update) is
/// recorded once and then replayed with a single launch, so the host's per-operator work, which dominates a small
/// network's sampling, drops out. The first call samples eagerly (making cuDNN plans and the allocator's blocks) and
/// records the graph on copies of its inputs; later calls copy their noise and conditions into those copies and replay.
/// Inputs must keep the first call's shapes and types. The model is rebuilt over the recorded condition tensors by
/// <c>bind</c>, so bind conditions through it rather than capturing other tensors that change between calls.
/// Fresh noise (eta &gt; 0) comes from the default CUDA generator, which libtorch advances on every replay.
/// </summary>
public sealed class GraphedSampler : IDisposable
{
    private readonly Sampler sampler;
    private readonly Func<IReadOnlyList<Tensor>, Denoiser> bind;
    private readonly CudaGraph graph = new();
    private Tensor[]? inputs;            // the noise, then the conditions
    private Tensor? output;

    /// <param name="bind">The denoiser over a list of condition tensors (e.g. tokens, to guide with <see cref="ClassifierFreeGuidance"/>).</param>
    public GraphedSampler(Sampler sampler, Func<IReadOnlyList<Tensor>, Denoiser> bind)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(bind);
        (this.sampler, this.bind) = (sampler, bind);
    }

    public bool IsCaptured => graph.IsCaptured;

    /// <summary>Samples from x_T = <paramref name="noise"/> (a CUDA tensor, not modified) under <paramref name="conditions"/>; the result is the caller's.</summary>
    public Tensor Sample(Tensor noise, params Tensor[] conditions)
    {
        ArgumentNullException.ThrowIfNull(noise);
        if (!noise.Device.IsCuda) throw new ArgumentException($"a graphed sampler samples on a CUDA device; the noise is on {noise.Device}", nameof(noise));
        Tensor[] given = [noise, .. conditions];
        if (inputs is null)
        {
            var eager = sampler.Sample(bind(conditions), noise);
            var recorded = given.Select(g => g.Clone().DetachFromDisposeScope()).ToArray();
            try
            {
                output = graph.Capture(noise.Device, () => sampler.Sample(bind(recorded[1..]), recorded[0]).DetachFromDisposeScope());
            }
            catch
            {
                eager.Dispose();
                foreach (var t in recorded) t.Dispose();
                throw;
            }
            inputs = recorded;
            return eager;
        }
        if (given.Length != inputs.Length)
            throw new ArgumentException($"a graphed sampler takes the {inputs.Length - 1} condition tensor(s) it was recorded with; got {conditions.Length}", nameof(conditions));
        for (int i = 0; i < given.Length; i++)
        {
            if (!given[i].Shape.SequenceEqual(inputs[i].Shape) || given[i].DType != inputs[i].DType)
                throw new ArgumentException($"a graphed sampler takes inputs like those it was recorded with: {(i == 0 ? "the noise" : $"condition {i - 1}")} is {given[i].Describe()}, recorded {inputs[i].Describe()}");
            inputs[i].CopyFrom(given[i]);
        }
        graph.Replay();
        return output!.Clone();
    }

    public void Dispose()
    {
        graph.Dispose();
        output?.Dispose();
        if (inputs is not null) foreach (var t in inputs) t.Dispose();
    }
}
