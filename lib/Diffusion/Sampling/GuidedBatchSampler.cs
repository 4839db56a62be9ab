using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// Classifier-free-guided sampling of a text-conditioned model, batch after batch, on the paths a
/// <see cref="SamplingPaths"/> asks for. With BFloat16 weights or channels-last, the walk runs on a
/// <see cref="FrozenCopy"/> of the model (the model itself is not changed); with <see cref="SamplingPaths.Graph"/>,
/// each batch shape's walk is a <see cref="GraphedSampler"/>: the first batch of a shape samples eagerly, the second
/// records the walk and replays it, later ones replay it. A batch smaller than the first one is padded to its size
/// (zero noise, its first caption repeated) so the last partial batch replays too; the padding rows are dropped.
/// x_t, the guidance arithmetic and the sampler's updates stay in float32 on every path.
/// </summary>
public sealed class GuidedBatchSampler : IDisposable
{
    private readonly Sampler sampler;
    private readonly IDenoiser<Tensor> model;
    private readonly FrozenCopy? copy;
    private readonly Tensor nullRow;     // (1, L)
    private readonly double guidance;
    private readonly Dictionary<long, (GraphedSampler Graph, Tensor NullBatch)> graphs = new();
    private long? firstBatch;

    /// <param name="nullTokens">Int64 (L) or (1, L): the null caption</param>
    public GuidedBatchSampler(TextDiffusionModel model, Sampler sampler, Tensor nullTokens, double guidance, SamplingPaths paths)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(nullTokens);
        ArgumentNullException.ThrowIfNull(paths);
        var device = model.UNet.Parameters().First().Data.Device;
        Paths = paths.Validate(device);
        (this.sampler, this.guidance) = (sampler, guidance);
        copy = paths.Bf16Weights || paths.ChannelsLast ? new FrozenCopy(model, paths.Bf16Weights, paths.ChannelsLast) : null;
        this.model = (IDenoiser<Tensor>?)copy ?? model;
        nullRow = nullTokens.Reshape(1, -1).DetachFromDisposeScope();
    }

    public SamplingPaths Paths { get; }

    /// <summary>
    /// x_0 from x_T = <paramref name="noise"/> (B, C, H, W), float32 on the model's device, not modified) under the captions'
    /// <paramref name="tokens"/> (Int64 (B, L)); the result is the caller's. An eager walk takes fresh noise (where the
    /// sampler needs it) from <paramref name="generator"/> and reports every step to <paramref name="progress"/>; a
    /// graphed one takes it from the device's default generator and reports the walk's last step once it is done.
    /// </summary>
    public Tensor Sample(Tensor noise, Tensor tokens, Generator? generator = null, Action<SamplingStep>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(tokens);
        long n = noise.Size(0);
        if (tokens.Dim != 2 || tokens.Size(0) != n)
            throw new ArgumentException($"GuidedBatchSampler: tokens must be (B, L) with B = {n}, the noise's batch; got {tokens.Describe()}", nameof(tokens));
        using var scope = Torch.NewDisposeScope();
        if (!Paths.Graph)
        {
            var nul = nullRow.Expand([n, nullRow.Size(1)]).Contiguous();
            var denoiser = ClassifierFreeGuidance.Bind(model, tokens, nul, guidance);
            return sampler.Sample(denoiser, noise, generator, progress).MoveToOuterScope();
        }
        long size = Math.Max(n, firstBatch ??= n);
        var graph = GraphFor(size);
        var (x, c) = (noise, tokens);
        if (n < size)
        {
            x = Torch.Cat([noise, Torch.Zeros([size - n, .. noise.Shape[1..]], noise.DType, noise.Device)]);
            c = Torch.Cat([tokens, tokens.Narrow(0, 0, 1).Expand([size - n, tokens.Size(1)])]);
        }
        var images = graph.Sample(x, c);
        if (n < size) images = images.Narrow(0, 0, n).Contiguous();
        var steps = sampler.Timesteps;
        progress?.Invoke(new SamplingStep(steps.Count - 1, steps.Count, steps[0]));
        return images.MoveToOuterScope();
    }

    private GraphedSampler GraphFor(long size)
    {
        if (graphs.TryGetValue(size, out var kept)) return kept.Graph;
        var nul = nullRow.Expand([size, nullRow.Size(1)]).Contiguous().DetachFromDisposeScope();
        var graph = new GraphedSampler(sampler, c => ClassifierFreeGuidance.Bind(model, c[0], nul, guidance));
        graphs[size] = (graph, nul);
        return graph;
    }

    public void Dispose()
    {
        foreach (var (graph, nul) in graphs.Values)
        {
            graph.Dispose();
            nul.Dispose();
        }
        graphs.Clear();
        copy?.Dispose();
        nullRow.Dispose();
    }
}
