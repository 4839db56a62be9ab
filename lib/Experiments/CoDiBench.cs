using System.Diagnostics;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation.CoDi;
using RandCond.Metrics;
using RandCond.Plotting;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// What every model of a CoDi experiment shares, loaded once from a <see cref="CoDiConfig"/>: the unconditional teacher (the
/// committed text-conditioned teacher with the null caption; it was trained with 10 % null-caption dropout), its schedule,
/// the real training images, the test images to restore with their conditions and one shared draw of sampling noise, and the
/// domain classifier's evaluator. Its methods are the experiment's steps: <see cref="Adapt"/>, <see cref="Train"/>,
/// <see cref="Sample"/>, <see cref="Score"/>, <see cref="Grid"/>; <see cref="CoDiLab.Run"/> composes them.
/// </summary>
public sealed class CoDiBench : IDisposable
{
    /// <summary>Test images shown per row of a sample grid.</summary>
    public const int GridImages = 8;

    private readonly List<IDisposable> owned = [];

    private CoDiBench(CoDiConfig config) => Config = config;

    public CoDiConfig Config { get; }
    public CoDiTask Task => Config.ParsedTask;
    public TextDiffusionModel Teacher { get; private set; } = null!;
    public TeacherPreset Preset { get; private set; } = null!;
    public NoiseSchedule Schedule { get; private set; } = null!;
    /// <summary>The null caption's tokens: the teacher's input that makes it the unconditional model.</summary>
    public Tensor NullTokens { get; private set; } = null!;
    public SampleEvaluator Evaluator { get; private set; } = null!;
    public double ClassifierTestAccuracy { get; private set; }
    /// <summary>(N, 1, 28, 28) real training images in [-1, 1]: the (condition, image) pairs are made from them.</summary>
    public Tensor TrainImages { get; private set; } = null!;
    /// <summary>The first EvalImages test images: the ground truth of the restorations.</summary>
    public Tensor Truth { get; private set; } = null!;
    public Tensor TruthLabels { get; private set; } = null!;
    /// <summary>The task's condition of each test image (low resolution upsampled back, or masked).</summary>
    public Tensor Conditions { get; private set; } = null!;
    /// <summary>One draw of noise shared by every model's sampling, so differences between rows are the models'.</summary>
    public Tensor Noise { get; private set; } = null!;
    /// <summary>FD of as many real training images as samples to the test set: the floor at this sample count.</summary>
    public double FdFloor { get; private set; }

    /// <summary>Loads the teacher, the classifier and the images named by the config (validated first).</summary>
    public static CoDiBench Load(CoDiConfig config)
    {
        config.Validate();
        var bench = new CoDiBench(config);
        try
        {
            bench.Initialize();
            return bench;
        }
        catch
        {
            bench.Dispose();
            throw;
        }
    }

    private T Own<T>(T item) where T : IDisposable
    {
        owned.Add(item);
        return item;
    }

    private void Initialize()
    {
        var device = Config.Device;
        var kind = Config.Dataset;
        var teacherPath = Config.ResolvedTeacherPath;
        var (teacher, tokenizer, preset, _) = TeacherFile.Load(teacherPath, device);
        Teacher = Own(teacher);
        Preset = preset;
        if (preset.Dataset != kind)
            throw new ArgumentException($"{teacherPath} is a {preset.Dataset.DisplayName()} teacher, but CoDiConfig.Dataset is {kind.DisplayName()}");
        NullTokens = Own(tokenizer.NullTokens(1, preset.MaxCaptionLength, device));
        Schedule = Own(preset.Schedule());
        var (classifier, info) = ClassifierCheckpoint.Load(Config.ResolvedClassifierPath, device);
        Own(classifier);
        ClassifierTestAccuracy = info.TestAccuracy;
        using var train = ImageDataset.Load(kind, DatasetSplit.Train, Data.PixelRange.MinusOneOne, device);
        using var test = ImageDataset.Load(kind, DatasetSplit.Test, Data.PixelRange.MinusOneOne, device);
        Directory.CreateDirectory(RepoPaths.Cache("feature-stats"));
        var reference = Own(FeatureStatistics.LoadOrCompute(RepoPaths.Cache("feature-stats", $"{kind.Slug()}-test.safetensors"), classifier, test.Images));
        Evaluator = new SampleEvaluator(classifier, reference, inceptionSplits: Math.Min(10, Config.EvalImages));
        TrainImages = Own(train.Images.Narrow(0, 0, Math.Min(Config.TrainImages, train.Count)).Contiguous());
        Truth = Own(test.Images.Narrow(0, 0, Config.EvalImages).Contiguous());
        TruthLabels = Own(test.Labels.Narrow(0, 0, Config.EvalImages).Contiguous());
        Conditions = Own(Task.Condition(Truth));
        using (var generator = new Generator(1234))
        using (var noise = Torch.Randn(Truth.Shape, generator))
            Noise = Own(noise.To(device));
        using var floorImages = train.Images.Narrow(0, 0, Config.EvalImages);
        using var floorLabels = train.Labels.Narrow(0, 0, Config.EvalImages);
        FdFloor = Evaluator.Evaluate(floorImages, floorLabels).FrechetDistance;
    }

    /// <summary>
    /// A new adapted network: a copy of the teacher as the backbone, a copy of its encoder reading the condition, and the gates
    /// mu at 0, so that it starts as the unconditional teacher exactly. The caller disposes it.
    /// </summary>
    public CoDiModel Adapt()
    {
        var backbone = new TextDiffusionModel(Preset.Text, Preset.UNet, Config.Device);
        backbone.LoadStateDict(Teacher.StateDict());
        return new CoDiModel(backbone, NullTokens);
    }

    /// <summary>
    /// Trains a variant's model in place with <see cref="CoDiDistiller"/> (resuming from, and leaving, its checkpoint in
    /// <see cref="CoDiConfig.ResolvedCheckpointDir"/>), reporting to <paramref name="progress"/> (e.g. a ProgressLine) and
    /// writing each report to <paramref name="log"/>.
    /// </summary>
    public CoDiTrainedModel Train(string variant, CoDiModel model, IProgress<IProgressReport>? progress = null, TextWriter? log = null)
    {
        var options = Config.Options(variant);
        var curve = new List<CoDiLossPoint>();
        CoDiProgress? last = null;
        var clock = Stopwatch.StartNew();
        int done = new CoDiDistiller(options).Train(model, Schedule, TrainImages, Task, new SynchronousProgress<CoDiProgress>(p =>
        {
            last = p;
            curve.Add(new CoDiLossPoint(p.Step, p.Loss, p.Consistency, p.Guidance));
            if (p.Restored) return;
            progress?.Report(p);
            log?.WriteLine($"  {variant}: {p}");
        }));
        return new CoDiTrainedModel
        {
            Variant = variant, Options = options.Variant,
            TrainedParameters = model.TrainableParameters(options.ParameterEfficient).Sum(p => p.Parameter.Data.NumEl),
            BackboneLearningRate = options.ParameterEfficient ? 0 : options.LearningRate * options.BackboneLearningRateScale,
            Steps = done, SecondsThisRun = clock.Elapsed.TotalSeconds, FinalLoss = last?.Loss, LossCurve = curve,
            Mu = model.Mu.Data.Cpu().ToArray<float>().Select(v => (double)v).ToArray(),
            Checkpoint = Path.GetFileName(options.CheckpointPath!),
        };
    }

    /// <summary>DDIM (eta 0, trailing steps) over <paramref name="steps"/> steps from <see cref="Noise"/>, conditioned on <see cref="Conditions"/>; in [-1, 1].</summary>
    public Tensor Sample(CoDiModel model, int steps)
    {
        const long chunk = 250;
        var sampler = new DdimSampler(Schedule, steps, clipX0: Config.ClipX0);
        using var scope = Torch.NewDisposeScope();
        using var _ = Torch.NoGrad();
        var parts = new List<Tensor>();
        for (long i = 0; i < Noise.Size(0); i += chunk)
        {
            long len = Math.Min(chunk, Noise.Size(0) - i);
            parts.Add(sampler.Sample(Denoiser.Bind(model, Conditions.Narrow(0, i, len)), Noise.Narrow(0, i, len)).Clamp(-1, 1));
        }
        return Torch.Cat(parts).MoveToOuterScope();
    }

    /// <summary>Scores restorations of the test images: FD to the test set, the classifier's accuracy on them, PSNR and SSIM against the ground truth.</summary>
    public CoDiRow Score(string model, int steps, Tensor images)
    {
        var eval = Evaluator.Evaluate(images, TruthLabels);
        return new CoDiRow(model, steps, eval.FrechetDistance, eval.Accuracy!.Overall, ImageQuality.Psnr(images, Truth), ImageQuality.Ssim(images, Truth));
    }

    /// <summary>
    /// A grid of the first <see cref="GridImages"/> test images: the condition, then one labelled row per given set of
    /// restorations, then the ground truth.
    /// </summary>
    public ImageGrid Grid(IEnumerable<(string Label, Tensor Images)> rows)
    {
        var all = new List<(string Label, Tensor Images)> { ("condition", Conditions) };
        all.AddRange(rows);
        all.Add(("ground truth", Truth));
        using var scope = Torch.NewDisposeScope();
        int count = (int)Math.Min(GridImages, Truth.Size(0));
        var firsts = all.Select(r => r.Images.Narrow(0, 0, count).Cpu().Float().Contiguous()).ToList();
        var shape = firsts[0].Shape;
        var pixels = firsts.SelectMany(t => t.ToArray<float>()).ToArray();
        return ImageGrid.FromPixels(pixels, all.Count * count, (int)shape[1], (int)shape[2], (int)shape[3], Plotting.PixelRange.MinusOneToOne)
            .Columns(count).Upscale(2).Padding(2).RowLabels(all.Select(r => r.Label).ToArray());
    }

    public void Dispose()
    {
        for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
        owned.Clear();
    }
}
