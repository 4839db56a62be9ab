using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// One batch of random-conditioning distillation, on the training device (in the caller's dispose scope): the samples
/// of D drawn (<see cref="Index"/>), their own conditions as indices into C, the steps t, which conditions the batch is
/// distilled under (<see cref="Drawn"/>: replaced with probability p(t), then dropped to null) and those conditions as
/// the networks read them (<see cref="Conditions"/>: tokens, class ids), the noise and x_t.
/// </summary>
public sealed record DistillationBatch(Tensor Index, Tensor OwnConditions, Tensor T, SampledConditions Drawn, Tensor Conditions, Tensor Noise, Tensor Xt)
{
    /// <summary>Bool (B): where the own condition was not replaced (the task term's samples).</summary>
    public Tensor Kept => Drawn.Replaced.LogicalNot();
}

/// <summary>
/// Draws the batches of a random-conditioning run: the batch of step s comes from a generator seeded by (Seed, s), so
/// a resumed run and a preview of step s draw what the uninterrupted run drew at s.
/// <see cref="RandomConditioningDistiller"/> trains on them and <see cref="DistillationPreview"/> shows one.
/// </summary>
public sealed class DistillationBatches : IDisposable
{
    private readonly Tensor samples;
    private readonly ConditionPool pool;
    private readonly NoiseSchedule schedule;
    private readonly ConditionSampler conditions;
    private readonly Generator generator;
    private readonly Tensor ownConditions;
    private readonly ulong seed;

    public DistillationBatches(DistillationInputs inputs, NoiseSchedule schedule, DistillationOptions options)
        : this(inputs.Samples, OwnConditionsOnCpu(inputs), inputs.Pool, schedule, options) { }

    /// <summary>D's images with their captions; C's captions tokenized.</summary>
    /// <param name="corpusTokens">Int64 (|C|, L): C's captions tokenized with the teacher's tokenizer, on the training device</param>
    /// <param name="nullTokens">Int64 (L): the null caption</param>
    public DistillationBatches(DistillationData data, NoiseSchedule schedule, Tensor corpusTokens, Tensor nullTokens, DistillationOptions options)
        : this(data.Images.Images, CaptionsOnCpu(data, corpusTokens), new ConditionPool(corpusTokens, nullTokens), schedule, options) { }

    /// <param name="ownOnCpu">each sample's own condition, on the CPU where the condition sampler draws; owned from here on</param>
    private DistillationBatches(Tensor samples, Tensor ownOnCpu, ConditionPool pool, NoiseSchedule schedule, DistillationOptions options)
    {
        (this.samples, ownConditions, this.pool, this.schedule, seed) = (samples, ownOnCpu, pool, schedule, options.Seed);
        conditions = new ConditionSampler(pool.Count, options.Replacement, schedule.Steps, options.NullCaptionProbability);
        generator = new Generator(options.Seed);
    }

    private static Tensor OwnConditionsOnCpu(DistillationInputs inputs)
    {
        var own = inputs.OwnConditions;
        if (own.Dim != 1 || own.Size(0) != inputs.Samples.Size(0) || own.DType != DType.Int64)
            throw new ArgumentException($"own conditions must be Int64 ({inputs.Samples.Size(0)}) to match D's samples {inputs.Samples.Describe()}, got {own.Describe()}", nameof(inputs));
        var cpu = own.Cpu().DetachFromDisposeScope();
        if (cpu.NumEl > 0)
        {
            using var low = cpu.Min();
            using var high = cpu.Max();
            if (low.ItemLong() < 0 || high.ItemLong() >= inputs.Pool.Count)
            {
                cpu.Dispose();
                throw new ArgumentException($"own conditions index {low.ItemLong()}..{high.ItemLong()}, but the condition pool C holds {inputs.Pool.Count}", nameof(inputs));
            }
        }
        return cpu;
    }

    /// <summary>Each image's own caption as an index into C: computed once, not per step.</summary>
    private static Tensor CaptionsOnCpu(DistillationData data, Tensor corpusTokens)
    {
        if (corpusTokens.Size(0) != data.TextCorpus.Count)
            throw new ArgumentException($"corpusTokens has {corpusTokens.Size(0)} rows, the text corpus C {data.TextCorpus.Count} captions", nameof(corpusTokens));
        using var scope = Torch.NewDisposeScope();
        return data.ToTextCorpusIndices(data.Images.CaptionIndices).Cpu().DetachFromDisposeScope();
    }

    public ConditionSampler Conditions => conditions;
    public ConditionPool Pool => pool;
    public Device Device => pool.Device;

    /// <summary>The batch of <paramref name="step"/>: <paramref name="batchSize"/> samples of D with their steps, conditions, noise and x_t.</summary>
    public DistillationBatch Draw(int step, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a batch needs at least one sample");
        generator.Seed(seed * 1_000_003UL + (ulong)step);
        var device = Device;
        var index = Torch.Randint(0, samples.Size(0), [batchSize], generator);
        var x0 = samples.IndexSelect(0, index.To(samples.Device)).To(device);
        var own = ownConditions.IndexSelect(0, index);
        var tCpu = Torch.Randint(0, schedule.Steps, [batchSize], generator);
        var t = tCpu.To(device);
        var drawn = conditions.Sample(own, tCpu, generator, device);
        var chosen = drawn.Select(pool);
        var eps = Torch.Randn(x0.Shape, generator, x0.DType).To(device);
        var xt = ForwardProcess.QSample(schedule, x0, t, eps);
        return new DistillationBatch(index, own, t, drawn, chosen, eps, xt);
    }

    public void Dispose()
    {
        conditions.Dispose();
        generator.Dispose();
        ownConditions.Dispose();
    }
}
