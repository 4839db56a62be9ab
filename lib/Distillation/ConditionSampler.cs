using RandCond.Data;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>The captions a batch is distilled under, as indices into the text corpus C, and what happened to each.</summary>
/// <param name="Captions">Int64 (B): the caption each sample is conditioned on, an index into C (meaningless where <paramref name="Dropped"/>).</param>
/// <param name="Replaced">Bool (B): the caption was replaced by a random one of C.</param>
/// <param name="Dropped">Bool (B): the caption (original or random) was then dropped to the null caption.</param>
public sealed record SampledConditions(Tensor Captions, Tensor Replaced, Tensor Dropped) : IDisposable
{
    /// <summary>Token ids (B, L): rows of <paramref name="corpusTokens"/> (C encoded), the null caption where dropped.</summary>
    public Tensor Tokens(Tensor corpusTokens, Tensor nullTokens)
    {
        using var scope = Torch.NewDisposeScope();
        var tokens = corpusTokens.IndexSelect(0, Captions);
        return nullTokens.Reshape(1, -1).ExpandAs(tokens).Where(Dropped.Unsqueeze(1), tokens).MoveToOuterScope();
    }

    public void Dispose()
    {
        Captions.Dispose();
        Replaced.Dispose();
        Dropped.Dispose();
    }
}

/// <summary>
/// Random conditioning's condition sampler: for each sample noised to step t, with probability p(t) its caption is
/// replaced by one drawn uniformly from the text corpus C; then, independently, the caption is dropped to the null
/// caption with probability <see cref="NullProbability"/> (as in the published code, after the replacement).
/// </summary>
public sealed class ConditionSampler : IDisposable
{
    public ConditionSampler(CaptionCorpus textCorpus, ReplacementProbability probability, int totalSteps, double nullProbability = 0.1)
    {
        if (textCorpus.Count == 0) throw new ArgumentException("the text corpus C is empty", nameof(textCorpus));
        if (nullProbability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(nullProbability), nullProbability, "must lie in [0, 1]");
        TextCorpus = textCorpus;
        Probability = probability;
        TotalSteps = totalSteps;
        NullProbability = nullProbability;
        table = probability.Table(totalSteps).DetachFromDisposeScope();
    }

    private readonly Tensor table;

    public CaptionCorpus TextCorpus { get; }
    public ReplacementProbability Probability { get; }
    public int TotalSteps { get; }
    public double NullProbability { get; }

    /// <param name="captions">Int64 (B): each sample's own caption, as an index into C</param>
    /// <param name="t">Int64 (B): each sample's step</param>
    /// <param name="generator">a CPU generator; draws are made on the CPU and moved, so a run repeats on any device</param>
    /// <param name="device">where the result goes (default: where the captions are); pass CPU captions and t to keep the draw off the device</param>
    public SampledConditions Sample(Tensor captions, Tensor t, Generator generator, Device? device = null)
    {
        long batch = captions.Size(0);
        if (t.Dim != 1 || t.Size(0) != batch) throw new ArgumentException($"t must be ({batch}) to match the captions, got {t.Describe()}", nameof(t));
        var target = device ?? captions.Device;
        using var scope = Torch.NewDisposeScope();
        var p = table.IndexSelect(0, t.Cpu());
        var replaced = Torch.Rand([batch], generator) < p;
        var random = TextCorpus.SampleUniform(batch, generator, Device.CPU);
        var dropped = Torch.Rand([batch], generator) < NullProbability;
        var chosen = random.Where(replaced, captions.Cpu());
        return new SampledConditions(chosen.To(target).MoveToOuterScope(), replaced.To(target).MoveToOuterScope(),
                                     dropped.To(target).MoveToOuterScope());
    }

    public void Dispose() => table.Dispose();
}
