namespace RandCond.Diffusion.UNet;

/// <summary>One down or up stage: its residual blocks' input widths (their output is Channels), attention, resampler.</summary>
internal sealed record StagePlan(int Stage, long Channels, IReadOnlyList<long> BlockInputs, bool SelfAttention,
                                 bool CrossAttention, bool Resample)
{
    public bool Attention => SelfAttention || CrossAttention;
}

internal sealed record MiddlePlan(long Channels, bool SelfAttention, bool CrossAttention)
{
    public bool Attention => SelfAttention || CrossAttention;
}

/// <summary>
/// The channel plan of a <see cref="UNetModel"/>, derived once from its config: the modules are built from it and
/// <see cref="Describe"/> names its blocks, so both always agree. Down stage s pushes one skip per residual
/// block and one after its downsample; up stage s pops one per residual block (blocks + 1 of them).
/// </summary>
internal sealed class UNetLayout
{
    private UNetLayout(UNetConfig config, IReadOnlyList<StagePlan> down, MiddlePlan? middle, IReadOnlyList<StagePlan> up)
    {
        Config = config;
        Down = down;
        Middle = middle;
        Up = up;
    }

    public UNetConfig Config { get; }
    public IReadOnlyList<StagePlan> Down { get; }
    public MiddlePlan? Middle { get; }

    /// <summary>Up stages indexed by stage (Up[s] works at the resolution of Down[s]); they run from the last to 0.</summary>
    public IReadOnlyList<StagePlan> Up { get; }

    /// <summary>How many maps the encoder pushes as skips (the input conv's, one per down residual block, one per downsample).</summary>
    public int SkipCount => 1 + Down.Sum(p => p.BlockInputs.Count + (p.Resample ? 1 : 0));

    public static UNetLayout Build(UNetConfig config)
    {
        config.Validate();
        int stages = config.Stages;
        long ch = config.StageChannels(0);
        var skips = new Stack<long>();
        skips.Push(ch);
        var down = new List<StagePlan>();
        for (int s = 0; s < stages; s++)
        {
            long c = config.StageChannels(s);
            var inputs = new List<long>();
            for (int j = 0; j < config.BlocksPerStage[s]; j++)
            {
                inputs.Add(ch);
                ch = c;
                skips.Push(ch);
            }
            bool resample = s < stages - 1;
            if (resample) skips.Push(ch);
            down.Add(new StagePlan(s, c, inputs, config.HasSelfAttention(s), config.HasCrossAttention(s), resample));
        }
        MiddlePlan? middle = null;
        if (config.MiddleBlock)
        {
            bool attention = config.MiddleAttention;
            middle = new MiddlePlan(ch, attention, attention && config.Conditioning == Conditioning.Text);
        }
        var up = new StagePlan[stages];
        for (int s = stages - 1; s >= 0; s--)
        {
            long c = config.StageChannels(s);
            var inputs = new List<long>();
            for (int j = 0; j <= config.BlocksPerStage[s]; j++)
            {
                inputs.Add(ch + skips.Pop());
                ch = c;
            }
            up[s] = new StagePlan(s, c, inputs, config.HasSelfAttention(s), config.HasCrossAttention(s), s > 0);
        }
        return new UNetLayout(config, down, middle, up);
    }

    /// <summary>Every named block in execution order, with shapes and MACs for an input of height x width.</summary>
    public IReadOnlyList<BlockInfo> Describe(long height, long width, long contextLength)
    {
        var cfg = Config;
        long multiple = cfg.SizeMultiple;
        if (height < 1 || width < 1 || height % multiple != 0 || width % multiple != 0)
            throw new ArgumentException($"UNetModel input size {height}x{width}: height and width must be positive multiples of {multiple} (patch size x 2^(stages-1))");
        (height, width) = (height / cfg.PatchSize, width / cfg.PatchSize);
        long temb = cfg.TimeDim, ctxDim = cfg.ContextDim;
        var blocks = new List<BlockInfo>();
        long c0 = cfg.StageChannels(0);
        blocks.Add(new("in", BlockKind.Input, 0, cfg.GridInChannels, c0, height, width, "in",
            UNetCost.Conv(cfg.GridInChannels, c0, 3, height * width)));

        long ch = c0;
        foreach (var st in Down)
        {
            long h = height >> st.Stage, w = width >> st.Stage;
            string stage = $"down.{st.Stage}";
            for (int j = 0; j < st.BlockInputs.Count; j++)
            {
                AddBlocks(blocks, stage, j, st, st.BlockInputs[j], h, w, temb, contextLength, ctxDim);
            }
            ch = st.Channels;
            if (st.Resample)
            {
                (h, w) = (h / 2, w / 2);
                blocks.Add(new($"{stage}.downsample", BlockKind.Downsample, st.Stage, ch, ch, h, w, $"{stage}.downsample",
                    UNetCost.Conv(ch, ch, 3, h * w)));
            }
            blocks.Add(new($"{stage}.out", BlockKind.StageOutput, st.Stage, ch, ch, h, w, null, 0));
        }

        int last = cfg.Stages - 1;
        if (Middle is { } mid)
        {
            long h = height >> last, w = width >> last, c = mid.Channels;
            blocks.Add(new("mid.res.0", BlockKind.Residual, last, c, c, h, w, "mid.res.0", UNetCost.Residual(c, c, temb, h * w)));
            if (mid.Attention)
                blocks.Add(new("mid.attn", BlockKind.Attention, last, c, c, h, w, "mid.attn",
                    UNetCost.Attention(c, h * w, contextLength, ctxDim, mid.SelfAttention, mid.CrossAttention, cfg.FeedForwardMultiplier)));
            blocks.Add(new("mid.res.1", BlockKind.Residual, last, c, c, h, w, "mid.res.1", UNetCost.Residual(c, c, temb, h * w)));
            blocks.Add(new("mid", BlockKind.Middle, last, c, c, h, w, null, 0));
        }

        for (int s = last; s >= 0; s--)
        {
            var st = Up[s];
            long h = height >> s, w = width >> s;
            string stage = $"up.{s}";
            for (int j = 0; j < st.BlockInputs.Count; j++)
                AddBlocks(blocks, stage, j, st, st.BlockInputs[j], h, w, temb, contextLength, ctxDim);
            ch = st.Channels;
            if (st.Resample)
            {
                (h, w) = (h * 2, w * 2);
                blocks.Add(new($"{stage}.upsample", BlockKind.Upsample, s, ch, ch, h, w, $"{stage}.upsample",
                    UNetCost.Conv(ch, ch, 3, h * w)));
            }
            blocks.Add(new($"{stage}.out", BlockKind.StageOutput, s, ch, ch, h, w, null, 0));
        }

        blocks.Add(new("out.hidden", BlockKind.OutHidden, 0, ch, ch, height, width, "out.norm", 0));
        blocks.Add(new("out", BlockKind.Output, 0, ch, cfg.OutChannels, height * cfg.PatchSize, width * cfg.PatchSize, "out.conv",
            UNetCost.Conv(ch, cfg.GridOutChannels, 3, height * width)));
        return blocks;
    }

    private void AddBlocks(List<BlockInfo> blocks, string stage, int j, StagePlan st, long input, long h, long w,
                           long temb, long contextLength, long ctxDim)
    {
        long c = st.Channels;
        blocks.Add(new($"{stage}.res.{j}", BlockKind.Residual, st.Stage, input, c, h, w, $"{stage}.res.{j}",
            UNetCost.Residual(input, c, temb, h * w)));
        if (st.Attention)
            blocks.Add(new($"{stage}.attn.{j}", BlockKind.Attention, st.Stage, c, c, h, w, $"{stage}.attn.{j}",
                UNetCost.Attention(c, h * w, contextLength, ctxDim, st.SelfAttention, st.CrossAttention, Config.FeedForwardMultiplier)));
    }
}
