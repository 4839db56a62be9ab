using RandCond.Data;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>The conditions a batch is distilled under, as indices into the condition pool C, and what happened to each.</summary>
/// <param name="Indices">Int64 (B): the condition each sample is distilled under, an index into C (meaningless where <paramref name="Dropped"/>).</param>
/// <param name="Replaced">Bool (B): the sample's own condition was replaced by a random one of C.</param>
/// <param name="Dropped">Bool (B): the condition (own or random) was then dropped to the null condition.</param>
public sealed record SampledConditions(Tensor Indices, Tensor Replaced, Tensor Dropped) : IDisposable
{
    /// <summary>The conditions (B, ...) as the networks read them: rows of C, the null condition where dropped.</summary>
    public Tensor Select(ConditionPool pool) => pool.Select(Indices, Dropped);

    /// <summary>Token ids (B, L): rows of <paramref name="corpusTokens"/> (C encoded), the null caption where dropped.</summary>
    public Tensor Tokens(Tensor corpusTokens, Tensor nullTokens) => Select(new ConditionPool(corpusTokens, nullTokens));

    public void Dispose()
    {
        Indices.Dispose();
        Replaced.Dispose();
        Dropped.Dispose();
    }
}

/// <summary>
/// Random conditioning's condition sampler: for each sample noised to step t, with probability p(t) its condition
/// (a caption, a class) is replaced by one drawn uniformly from the pool C of <see cref="PoolSize"/> conditions; then,
/// independently, the condition is dropped to the null condition with probability <see cref="NullProbability"/> (as in
/// the published code, after the replacement).
/// </summary>
public sealed class ConditionSampler : IDisposable
{
    /// <summary>Draws replacement captions from the text corpus C.</summary>
    public ConditionSampler(CaptionCorpus textCorpus, ReplacementProbability probability, int totalSteps, double nullProbability = 0.1)
        : this(textCorpus.Count > 0 ? textCorpus.Count : throw new ArgumentException("the text corpus C is empty", nameof(textCorpus)),
               probability, totalSteps, nullProbability) { }

    /// <param name="poolSize">|C|: replacements are indices drawn uniformly from [0, |C|)</param>
    public ConditionSampler(long poolSize, ReplacementProbability probability, int totalSteps, double nullProbability = 0.1)
    {
        if (poolSize < 1) throw new ArgumentOutOfRangeException(nameof(poolSize), poolSize, "the condition pool C is empty");
        if (nullProbability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(nullProbability), nullProbability, "must lie in [0, 1]");
        PoolSize = poolSize;
        Probability = probability;
        TotalSteps = totalSteps;
        NullProbability = nullProbability;
        table = probability.Table(totalSteps).DetachFromDisposeScope();
    }

    private readonly Tensor table;

    /// <summary>|C|, the number of conditions replacements are drawn from.</summary>
    public long PoolSize { get; }
    public ReplacementProbability Probability { get; }
    public int TotalSteps { get; }
    public double NullProbability { get; }

    /// <param name="own">Int64 (B): each sample's own condition, as an index into C</param>
    /// <param name="t">Int64 (B): each sample's step</param>
    /// <param name="generator">a CPU generator; draws are made on the CPU and moved, so a run repeats on any device</param>
    /// <param name="device">where the result goes (default: where the own conditions are); pass them and t on the CPU to keep the draw off the device</param>
    public SampledConditions Sample(Tensor own, Tensor t, Generator generator, Device? device = null)
    {
        long batch = own.Size(0);
        if (t.Dim != 1 || t.Size(0) != batch) throw new ArgumentException($"t must be ({batch}) to match the own conditions, got {t.Describe()}", nameof(t));
        var target = device ?? own.Device;
        using var scope = Torch.NewDisposeScope();
        var p = table.IndexSelect(0, t.Cpu());
        var replaced = Torch.Rand([batch], generator) < p;
        var random = Torch.Randint(0, PoolSize, [batch], generator);
        var dropped = Torch.Rand([batch], generator) < NullProbability;
        var chosen = random.Where(replaced, own.Cpu());
        return new SampledConditions(chosen.To(target).MoveToOuterScope(), replaced.To(target).MoveToOuterScope(),
                                     dropped.To(target).MoveToOuterScope());
    }

    public void Dispose() => table.Dispose();
}
