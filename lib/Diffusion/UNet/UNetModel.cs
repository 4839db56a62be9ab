using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>
/// A conditional U-Net for diffusion (DDPM / Stable Diffusion layout) configured by <see cref="UNetConfig"/>.
/// <para>Block names (see <see cref="Describe"/>), in execution order: <c>in</c>; per down stage s:
/// <c>down.s.res.j</c>, <c>down.s.attn.j</c> (attention stages), <c>down.s.downsample</c> (all but the last
/// stage), <c>down.s.out</c>; <c>mid.res.0</c>, <c>mid.attn</c>, <c>mid.res.1</c>, <c>mid</c> (with the middle
/// block); per up stage s from the last to 0: <c>up.s.res.j</c> (j up to BlocksPerStage[s]), <c>up.s.attn.j</c>,
/// <c>up.s.upsample</c> (s &gt; 0), <c>up.s.out</c>; <c>out.hidden</c> (the activation fed to the final conv) and
/// <c>out</c>. Stage indices follow resolution in both paths (up.s works at the size of down.s), so removing
/// blocks, the middle block or the innermost stage never renames what remains.</para>
/// <para>Parameters are named after their block (<c>down.0.res.1.conv1.weight</c>, <c>up.2.attn.0.cross_attn.to_k.weight</c>,
/// <c>out.conv.weight</c>), plus <c>time.*</c> and <c>class_embed.weight</c>.</para>
/// </summary>
public sealed class UNetModel : Module
{
    private readonly UNetLayout layout;

    public UNetModel(UNetConfig config, Device? device = null)
    {
        layout = UNetLayout.Build(config);
        Config = config;
        Time = Register("time", new TimeEmbedding(config.BaseChannels, config.TimeDim, device));
        if (config.Conditioning == Conditioning.Class)
            ClassEmbedding = Register("class_embed", new Embedding(config.NumClasses + 1, config.TimeDim, device));
        Input = Register("in", new Conv2d(config.GridInChannels, config.StageChannels(0), 3, padding: 1, device: device));
        Down = Register("down", new ModuleList<UNetStage>(layout.Down.Select(p => new UNetStage($"down.{p.Stage}", p, false, config, device))));
        if (layout.Middle is { } middle)
            Middle = Register("mid", new MiddleBlock(middle, config, device));
        Up = Register("up", new ModuleList<UNetStage>(layout.Up.Select(p => new UNetStage($"up.{p.Stage}", p, true, config, device))));
        Output = Register("out", new OutputHead(config.StageChannels(0), config.GridOutChannels, config.GroupNormGroups, config.ZeroInitOutput, device));
        BlockNames = Describe(config.SizeMultiple, config.SizeMultiple).Select(b => b.Name).ToArray();
    }

    public UNetConfig Config { get; }
    public TimeEmbedding Time { get; }
    public Embedding? ClassEmbedding { get; }
    public Conv2d Input { get; }
    public ModuleList<UNetStage> Down { get; }
    public MiddleBlock? Middle { get; }

    /// <summary>Up stages indexed by stage (Up[s] works at the resolution of Down[s]); they run from the last to 0.</summary>
    public ModuleList<UNetStage> Up { get; }
    public OutputHead Output { get; }

    /// <summary>How many feature maps <see cref="Encode"/> hands the decoder (<see cref="UNetEncoding.Features"/>).</summary>
    public int EncoderFeatureCount => layout.SkipCount;

    /// <summary>Every capturable block name, in execution order.</summary>
    public IReadOnlyList<string> BlockNames { get; }

    /// <summary>Every named block with its channels, resolution and MACs for an input of height x width.</summary>
    public IReadOnlyList<BlockInfo> Describe(long height, long width, long contextLength = 0) =>
        layout.Describe(height, width, contextLength);

    /// <summary>Analytic multiply-accumulates per image (see <see cref="UNetCost"/> for what is counted).</summary>
    public MacCount Macs(long height, long width, long contextLength = 0) => UNetCost.Macs(Config, height, width, contextLength);

    /// <summary>
    /// Predicts from noisy images. Give exactly the conditioning the config asks for: Text needs
    /// <paramref name="context"/> (B, L, ContextDim) and optionally <paramref name="contextMask"/> (Bool (B, L), true
    /// for real tokens); Class needs <paramref name="classLabels"/> (Int64 (B), NumClasses = null class); None takes
    /// neither. Features named in <paramref name="capture"/> are collected on the way.
    /// </summary>
    /// <param name="x">(B, InChannels, H, W), H and W multiples of 2^(stages-1)</param>
    /// <param name="t">timesteps (B) or a scalar for the whole batch, any numeric dtype</param>
    /// <returns>(B, OutChannels, H, W)</returns>
    public Tensor Forward(Tensor x, Tensor t, Tensor? context = null, Tensor? contextMask = null, Tensor? classLabels = null,
                          FeatureCapture? capture = null)
    {
        CheckInputs(x, t, context, contextMask, classLabels, capture);
        using var scope = Torch.NewDisposeScope();
        var encoding = RunEncoder(x, t, context, contextMask, classLabels, capture);
        return RunDecoder(encoding, context, contextMask, capture).MoveToOuterScope();
    }

    /// <summary>
    /// The first half of <see cref="Forward"/>: the time embedding, the input conv and the down path (inputs as for
    /// Forward). <c>Decode(Encode(...))</c> computes exactly what Forward does.
    /// </summary>
    public UNetEncoding Encode(Tensor x, Tensor t, Tensor? context = null, Tensor? contextMask = null, Tensor? classLabels = null,
                               FeatureCapture? capture = null)
    {
        CheckInputs(x, t, context, contextMask, classLabels, capture);
        using var scope = Torch.NewDisposeScope();
        var encoding = RunEncoder(x, t, context, contextMask, classLabels, capture);
        foreach (var f in encoding.Features) f.MoveToOuterScope();
        encoding.TimeSilu.MoveToOuterScope();
        return encoding;
    }

    /// <summary>The second half of <see cref="Forward"/>: the middle block, the up path and the output head.</summary>
    /// <param name="encoding">from <see cref="Encode"/>, its features possibly replaced by maps of the same shapes</param>
    public Tensor Decode(UNetEncoding encoding, Tensor? context = null, Tensor? contextMask = null, FeatureCapture? capture = null)
    {
        if (encoding.Features.Count != layout.SkipCount)
            throw new ArgumentException($"UNetModel.Decode: this network's encoder hands over {layout.SkipCount} features; got {encoding.Features.Count}");
        using var scope = Torch.NewDisposeScope();
        return RunDecoder(encoding, context, contextMask, capture).MoveToOuterScope();
    }

    /// <summary>A new module with this network's encoder ("in.*", "down.*") and a copy of its current weights.</summary>
    public UNetEncoder CopyEncoder()
    {
        var device = Input.Weight.Data.Device;
        var copy = new UNetEncoder(Config, layout, device);
        var state = StateDict();
        copy.LoadStateDict(copy.StateDict().Keys.ToDictionary(k => k, k => state[k]));
        return copy;
    }

    private UNetEncoding RunEncoder(Tensor x, Tensor t, Tensor? context, Tensor? contextMask, Tensor? classLabels, FeatureCapture? capture)
    {
        var steps = t.Dim == 0 ? t.Expand([x.Size(0)]) : t;
        var emb = Time.Forward(steps);
        if (ClassEmbedding is not null) emb = emb + ClassEmbedding.Forward(classLabels!);
        var timeSilu = emb.Silu();
        var features = UNetEncoder.Run(Input, Down.Items, Config.PatchSize, x, timeSilu, context, contextMask, capture);
        return new UNetEncoding(features, timeSilu);
    }

    private Tensor RunDecoder(UNetEncoding encoding, Tensor? context, Tensor? contextMask, FeatureCapture? capture)
    {
        var skips = new Stack<Tensor>(encoding.Features);
        var h = encoding.Features[^1];
        if (Middle is not null)
            h = Middle.Forward(h, encoding.TimeSilu, context, contextMask, capture);
        for (int s = Up.Count - 1; s >= 0; s--)
            h = Up[s].Forward(h, encoding.TimeSilu, context, contextMask, skips, capture);
        var y = Output.Forward(h, capture);
        if (Config.PatchSize > 1) y = F.PixelShuffle(y, Config.PatchSize);
        capture?.Offer("out", y);
        return y;
    }

    private long CheckInputs(Tensor x, Tensor t, Tensor? context, Tensor? contextMask, Tensor? classLabels, FeatureCapture? capture)
    {
        var shape = x.Shape;
        long multiple = Config.SizeMultiple;
        if (shape.Length != 4 || shape[1] != Config.InChannels || shape[2] % multiple != 0 || shape[3] % multiple != 0)
            throw new ArgumentException($"UNetModel.Forward x: expected (B, {Config.InChannels}, H, W) with H and W multiples of {multiple} (patch size {Config.PatchSize} x 2^(stages-1)); got {x.Describe()}");
        long batch = shape[0];
        if (!(t.Dim == 0 || t.Dim == 1 && t.Size(0) == batch))
            throw new ArgumentException($"UNetModel.Forward t: expected a scalar or ({batch}); got {t.Describe()}");
        switch (Config.Conditioning)
        {
            case Conditioning.Text:
                if (context is null || context.Dim != 3 || context.Size(0) != batch || context.Size(2) != Config.ContextDim)
                    throw new ArgumentException($"UNetModel.Forward context: Text conditioning needs ({batch}, L, {Config.ContextDim}); got {context?.Describe() ?? "null"}");
                if (contextMask is not null && (contextMask.DType != DType.Bool || !contextMask.Shape.SequenceEqual(context.Shape[..2])))
                    throw new ArgumentException($"UNetModel.Forward contextMask: expected Bool ({batch}, {context.Size(1)}), true for real tokens; got {contextMask.Describe()}");
                break;
            case Conditioning.Class:
                if (classLabels is null || classLabels.DType != DType.Int64 || !classLabels.Shape.SequenceEqual([batch]))
                    throw new ArgumentException($"UNetModel.Forward classLabels: Class conditioning needs Int64 ({batch}) in [0, {Config.NumClasses}] ({Config.NullClass} = null); got {classLabels?.Describe() ?? "null"}");
                break;
        }
        if (Config.Conditioning != Conditioning.Text && (context is not null || contextMask is not null))
            throw new ArgumentException($"UNetModel.Forward: a text context was given to a network with {Config.Conditioning} conditioning");
        if (Config.Conditioning != Conditioning.Class && classLabels is not null)
            throw new ArgumentException($"UNetModel.Forward: class labels were given to a network with {Config.Conditioning} conditioning");
        if (capture?.Requested is { } names && names.Except(BlockNames).ToArray() is { Length: > 0 } unknown)
            throw new ArgumentException($"FeatureCapture: unknown block names {string.Join(", ", unknown)}; this network has {string.Join(", ", BlockNames)}");
        return batch;
    }
}
