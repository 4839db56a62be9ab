namespace RandCond.Diffusion.UNet;

/// <summary>How a <see cref="UNetModel"/> is conditioned.</summary>
public enum Conditioning
{
    /// <summary>Unconditional (e.g. CoDi's teacher).</summary>
    None,
    /// <summary>A class label embedding added to the time embedding; label NumClasses is the null class.</summary>
    Class,
    /// <summary>Cross-attention to text-token embeddings (B, L, ContextDim) from a text encoder.</summary>
    Text,
}

/// <summary>
/// The shape of a <see cref="UNetModel"/>. Stage s works at resolution H/2^s with BaseChannels *
/// ChannelMultipliers[s] channels; attention stages are given by stage index. Students are written as
/// variations of a teacher's config: <c>teacher with { BlocksPerStage = [1, 1, 1], MiddleBlock = false }</c>.
/// </summary>
public sealed record UNetConfig
{
    public int InChannels { get; init; } = 1;
    public int OutChannels { get; init; } = 1;
    public int BaseChannels { get; init; } = 64;
    public IReadOnlyList<int> ChannelMultipliers { get; init; } = [1, 2, 4];

    /// <summary>Residual blocks per down stage; each up stage has one more (it also consumes the stage's input skip).</summary>
    public IReadOnlyList<int> BlocksPerStage { get; init; } = [2, 2, 2];

    /// <summary>Stage indices whose blocks (down and up) are followed by an attention block with self-attention.</summary>
    public IReadOnlyList<int> SelfAttentionStages { get; init; } = [1, 2];

    /// <summary>Stage indices whose attention blocks cross-attend to the text context (Text conditioning only).</summary>
    public IReadOnlyList<int> CrossAttentionStages { get; init; } = [1, 2];

    public int AttentionHeads { get; init; } = 4;
    public int FeedForwardMultiplier { get; init; } = 4;

    /// <summary>The residual-attention-residual block between the down and up paths.</summary>
    public bool MiddleBlock { get; init; } = true;

    /// <summary>Whether the middle block has its attention block (self-attention, plus cross-attention for Text).</summary>
    public bool MiddleAttention { get; init; } = true;

    /// <summary>Removes the last (lowest-resolution) stage; attention indices that name it are then ignored.</summary>
    public bool DropInnermostStage { get; init; }

    /// <summary>
    /// Space-to-depth factor: each PatchSize x PatchSize pixel patch becomes one grid cell with InChannels * PatchSize²
    /// channels before the first convolution, and the output is folded back (pixel shuffle). 2 runs a 28x28 image on
    /// a 14x14 grid at a quarter of the cost, as a latent-space model does; 1 works on pixels.
    /// </summary>
    public int PatchSize { get; init; } = 1;

    public double Dropout { get; init; }
    public int GroupNormGroups { get; init; } = 32;

    public Conditioning Conditioning { get; init; } = Conditioning.None;

    /// <summary>Number of real classes (Class conditioning); the embedding has one more row for the null class.</summary>
    public int NumClasses { get; init; }

    /// <summary>Width D of the text context (Text conditioning).</summary>
    public int ContextDim { get; init; }

    /// <summary>Width of the time embedding MLP; 0 means 4 * BaseChannels.</summary>
    public int TimeEmbeddingDim { get; init; }

    /// <summary>Zero-initializes the final convolution, so a fresh network predicts 0 (common for diffusion U-Nets).</summary>
    public bool ZeroInitOutput { get; init; } = true;

    public int Stages => ChannelMultipliers.Count - (DropInnermostStage ? 1 : 0);
    public int TimeDim => TimeEmbeddingDim > 0 ? TimeEmbeddingDim : 4 * BaseChannels;
    public long StageChannels(int stage) => (long)BaseChannels * ChannelMultipliers[stage];

    /// <summary>The class index that means "no class" (classifier-free guidance).</summary>
    public int NullClass => NumClasses;

    /// <summary>Input height and width must be multiples of this.</summary>
    public int SizeMultiple => PatchSize << (Stages - 1);

    /// <summary>Channels of the grid the first convolution sees (and the last one writes): InChannels * PatchSize².</summary>
    public long GridInChannels => (long)InChannels * PatchSize * PatchSize;
    public long GridOutChannels => (long)OutChannels * PatchSize * PatchSize;

    public bool HasSelfAttention(int stage) => SelfAttentionStages.Contains(stage);
    public bool HasCrossAttention(int stage) => Conditioning == Conditioning.Text && CrossAttentionStages.Contains(stage);
    public bool HasAttention(int stage) => HasSelfAttention(stage) || HasCrossAttention(stage);

    /// <summary>Throws an ArgumentException naming the first field that is out of range.</summary>
    public void Validate()
    {
        void Fail(string field, string expectation) =>
            throw new ArgumentException($"UNetConfig.{field}: {expectation}");

        if (InChannels < 1) Fail(nameof(InChannels), $"must be >= 1 (got {InChannels})");
        if (OutChannels < 1) Fail(nameof(OutChannels), $"must be >= 1 (got {OutChannels})");
        if (PatchSize < 1) Fail(nameof(PatchSize), $"must be >= 1 (got {PatchSize})");
        if (BaseChannels < 1) Fail(nameof(BaseChannels), $"must be >= 1 (got {BaseChannels})");
        if (ChannelMultipliers.Count == 0 || ChannelMultipliers.Any(m => m < 1))
            Fail(nameof(ChannelMultipliers), "needs at least one stage, every multiplier >= 1");
        if (Stages < 1) Fail(nameof(DropInnermostStage), "cannot drop the only stage");
        if (BlocksPerStage.Count != ChannelMultipliers.Count)
            Fail(nameof(BlocksPerStage), $"needs one entry per stage ({ChannelMultipliers.Count}), got {BlocksPerStage.Count}");
        if (BlocksPerStage.Any(b => b < 1)) Fail(nameof(BlocksPerStage), "every stage needs at least one residual block");
        foreach (var (field, list) in new[] { (nameof(SelfAttentionStages), SelfAttentionStages), (nameof(CrossAttentionStages), CrossAttentionStages) })
            if (list.Any(s => s < 0 || s >= ChannelMultipliers.Count))
                Fail(field, $"stage indices must lie in [0, {ChannelMultipliers.Count})");
        if (GroupNormGroups < 1) Fail(nameof(GroupNormGroups), $"must be >= 1 (got {GroupNormGroups})");
        if (AttentionHeads < 1) Fail(nameof(AttentionHeads), $"must be >= 1 (got {AttentionHeads})");
        for (int s = 0; s < Stages; s++)
        {
            long c = StageChannels(s);
            if (c % GroupNormGroups != 0)
                Fail(nameof(GroupNormGroups), $"stage {s} has {c} channels, not divisible into {GroupNormGroups} groups");
            if ((HasAttention(s) || MiddleBlock && MiddleAttention && s == Stages - 1) && c % AttentionHeads != 0)
                Fail(nameof(AttentionHeads), $"stage {s} has {c} channels, not divisible into {AttentionHeads} heads");
        }
        if (FeedForwardMultiplier < 1) Fail(nameof(FeedForwardMultiplier), $"must be >= 1 (got {FeedForwardMultiplier})");
        if (Dropout is < 0 or >= 1) Fail(nameof(Dropout), $"must lie in [0, 1) (got {Dropout})");
        if (TimeEmbeddingDim < 0) Fail(nameof(TimeEmbeddingDim), "must be >= 0 (0 means 4 * BaseChannels)");
        if (BaseChannels % 2 != 0) Fail(nameof(BaseChannels), "must be even (it is the sinusoidal time-embedding width)");
        switch (Conditioning)
        {
            case Conditioning.Class when NumClasses < 1:
                Fail(nameof(NumClasses), "Class conditioning needs NumClasses >= 1");
                break;
            case Conditioning.Text when ContextDim < 1:
                Fail(nameof(ContextDim), "Text conditioning needs ContextDim >= 1");
                break;
            case Conditioning.Text when !Enumerable.Range(0, Stages).Any(HasCrossAttention) && !(MiddleBlock && MiddleAttention):
                Fail(nameof(CrossAttentionStages), "Text conditioning needs cross-attention somewhere (a stage or the middle block)");
                break;
        }
    }
}
