using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// One batch of random-conditioning distillation, on the training device (in the caller's dispose scope): the images
/// of D drawn (<see cref="Index"/>), their own captions as indices into C, the steps t, the captions the batch is
/// distilled under (<see cref="Conditions"/>: replaced with probability p(t), then dropped to null), their tokens,
/// the noise and x_t.
/// </summary>
public sealed record DistillationBatch(Tensor Index, Tensor OwnCaptions, Tensor T, SampledConditions Conditions, Tensor Tokens, Tensor Noise, Tensor Xt)
{
    /// <summary>Bool (B): where the caption was not replaced (the task term's samples).</summary>
    public Tensor Kept => Conditions.Replaced.LogicalNot();
}

/// <summary>
/// Draws the batches of a random-conditioning run: the batch of step s comes from a generator seeded by (Seed, s), so
/// a resumed run and a preview of step s draw what the uninterrupted run drew at s.
/// <see cref="RandomConditioningDistiller"/> trains on them and <see cref="DistillationPreview"/> shows one.
/// </summary>
public sealed class DistillationBatches : IDisposable
{
    private readonly DistillationData data;
    private readonly NoiseSchedule schedule;
    private readonly Tensor corpusTokens;
    private readonly Tensor nullTokens;
    private readonly ConditionSampler conditions;
    private readonly Generator generator;
    private readonly Tensor ownCaptions;
    private readonly ulong seed;

    /// <param name="corpusTokens">Int64 (|C|, L): C's captions tokenized with the teacher's tokenizer, on the training device</param>
    /// <param name="nullTokens">Int64 (L): the null caption</param>
    public DistillationBatches(DistillationData data, NoiseSchedule schedule, Tensor corpusTokens, Tensor nullTokens, DistillationOptions options)
    {
        if (corpusTokens.Size(0) != data.TextCorpus.Count)
            throw new ArgumentException($"corpusTokens has {corpusTokens.Size(0)} rows, the text corpus C {data.TextCorpus.Count} captions", nameof(corpusTokens));
        (this.data, this.schedule, this.corpusTokens, this.nullTokens, seed) = (data, schedule, corpusTokens, nullTokens, options.Seed);
        conditions = new ConditionSampler(data.TextCorpus, options.Replacement, schedule.Steps, options.NullCaptionProbability);
        generator = new Generator(options.Seed);
        // Each image's own caption as an index into C, on the CPU where the condition sampler draws: computed once, not per step.
        using var scope = Torch.NewDisposeScope();
        ownCaptions = data.ToTextCorpusIndices(data.Images.CaptionIndices).Cpu().DetachFromDisposeScope();
    }

    public ConditionSampler Conditions => conditions;
    public Device Device => corpusTokens.Device;

    /// <summary>The batch of <paramref name="step"/>: <paramref name="batchSize"/> images of D with their steps, captions, noise and x_t.</summary>
    public DistillationBatch Draw(int step, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a batch needs at least one sample");
        generator.Seed(seed * 1_000_003UL + (ulong)step);
        var device = Device;
        var images = data.Images;
        var index = Torch.Randint(0, images.Count, [batchSize], generator);
        var x0 = images.Images.IndexSelect(0, index.To(images.Device)).To(device);
        var own = ownCaptions.IndexSelect(0, index);
        var tCpu = Torch.Randint(0, schedule.Steps, [batchSize], generator);
        var t = tCpu.To(device);
        var chosen = conditions.Sample(own, tCpu, generator, device);
        var tokens = chosen.Tokens(corpusTokens, nullTokens);
        var eps = Torch.Randn(x0.Shape, generator).To(device);
        var xt = ForwardProcess.QSample(schedule, x0, t, eps);
        return new DistillationBatch(index, own, t, chosen, tokens, eps, xt);
    }

    public void Dispose()
    {
        conditions.Dispose();
        generator.Dispose();
        ownCaptions.Dispose();
    }
}
