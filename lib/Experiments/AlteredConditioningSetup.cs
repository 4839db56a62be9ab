using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Metrics;
using RandCond.Plotting;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// Everything one altered-conditioning run needs, loaded and drawn once: the committed MNIST teacher and classifier, the
/// test images (class a), per image a new class b != a and a caption of b, and one noise tensor shared by every t. Every t
/// measured with <see cref="Measure"/> uses the same draws, so the curve is paired.
/// </summary>
public sealed class AlteredConditioningSetup : IDisposable
{
    public AlteredConditioningConfig Config { get; }
    public Device Device { get; }
    public TextDiffusionModel Teacher { get; }
    public WordTokenizer Tokenizer { get; }
    public TeacherPreset Preset { get; }
    public DomainClassifier Classifier { get; }
    public ClassifierInfo ClassifierInfo { get; }
    public NoiseSchedule Schedule { get; }
    public string TeacherFile { get; }
    public string ClassifierFile { get; }
    /// <summary>The test images (N, 1, 28, 28) in [-1, 1], their classes a, the new classes b and the tokens of b's captions.</summary>
    public Tensor Originals { get; }
    public Tensor Labels { get; }
    public Tensor NewLabels { get; }
    public Tensor Tokens { get; }
    /// <summary>The noise each image is noised with, at every t.</summary>
    public Tensor Noise { get; }
    /// <summary>The new caption of each image.</summary>
    public string[] Captions { get; }
    public double Guidance => Preset.GuidanceScale;
    public int Classes => DatasetKind.Mnist.NumClasses();
    /// <summary>How many images are kept as example rows.</summary>
    public int Shown => Math.Min(Config.ExampleRows, Config.Images);

    private AlteredConditioningSetup(AlteredConditioningConfig config, Device device)
    {
        config.Validate();
        Config = config;
        Device = device;
        TeacherFile = RepoPaths.Data("teachers", "mnist-teacher.safetensors");
        ClassifierFile = RepoPaths.Data("classifiers", ClassifierLab.FileName(DatasetKind.Mnist));
        (Teacher, Tokenizer, Preset, _) = Experiments.TeacherFile.Load(TeacherFile, device);
        (Classifier, ClassifierInfo) = ClassifierCheckpoint.Load(ClassifierFile, device);
        Schedule = Preset.Schedule();
        using var test = ImageDataset.Load(DatasetKind.Mnist, DatasetSplit.Test, Data.PixelRange.MinusOneOne, device);
        if (config.Images > test.Count)
            throw new ArgumentException($"altered conditioning: Images is {config.Images}, the MNIST test set has {test.Count}");
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);

        // Images, new classes, captions and noise come from a CPU generator, so a seed picks the same draws on every device.
        using var gen = new Generator(config.Seed);
        using var pick = Torch.Randperm(test.Count, gen).Narrow(0, 0, config.Images).To(device);
        Originals = test.Images.IndexSelect(0, pick);
        Labels = test.Labels.IndexSelect(0, pick);
        using var shift = Torch.Randint(1, Classes, [config.Images], gen).To(device);
        NewLabels = (Labels + shift) % Classes;
        using var captionIndex = corpus.SampleForLabels(NewLabels.Cpu(), gen);
        Noise = Torch.Randn([config.Images, 1, 28, 28], gen).To(device);
        using var allTokens = corpus.Encode(Tokenizer, Preset.MaxCaptionLength, device);
        using var onDevice = captionIndex.To(device);
        Tokens = allTokens.IndexSelect(0, onDevice);
        Captions = corpus.CaptionsAt(captionIndex);
    }

    /// <summary>Loads the teacher, the classifier and the MNIST test set onto <paramref name="device"/> and draws the images, new classes, captions and noise.</summary>
    public static AlteredConditioningSetup Load(AlteredConditioningConfig config, Device device) => new(config, device);

    /// <summary>"16 MNIST test images ... t = 0, 100, ..." : what a run of this setup does.</summary>
    public string Describe() =>
        $"altered conditioning, {Config.Scale} scale, on {RunRecord.DeviceName(Device)}: {Config.Images} MNIST test images, each noised to t and " +
        $"denoised under another digit's caption (DDIM on a {Config.GridSteps}-step grid, guidance {Guidance}), t = {string.Join(", ", Config.Timesteps)}";

    /// <summary>The record's account of how the images, new classes and captions were drawn.</summary>
    public string ImageDraw =>
        $"{Config.Images} MNIST test images drawn at random; per image a new class b != a uniform over the other {Classes - 1}, a caption of b from CaptionCorpus.Full(mnist)";

    /// <summary>The record's account of the sampler.</summary>
    public string SamplerDescription =>
        $"x_t = forward process of the image at t (one eps per image, shared by every t); DDIM eta 0 from t over the uniform trailing {Config.GridSteps}-step grid below t; guidance {Guidance}";

    /// <summary>The first <see cref="Shown"/> images, one per row labelled "a>b" (original class, new class).</summary>
    public ImageGrid OriginalsGrid()
    {
        using var first = Originals.Narrow(0, 0, Shown).Cpu();
        var original = HostInts(Labels, Shown);
        var next = HostInts(NewLabels, Shown);
        return ImageGrid.FromPixels(first.ToArray<float>(), Shown, 1, 28, 28, Plotting.PixelRange.MinusOneToOne)
            .Columns(Shown).Upscale(2).Padding(4)
            .ColumnLabels([.. Enumerable.Range(0, Shown).Select(i => $"{original[i]}>{next[i]}")]);
    }

    /// <summary>
    /// Denoises every image from <paramref name="t"/> under its new caption and has the classifier read the results: the row
    /// of the curve, and the first <see cref="Shown"/> results (flattened (Shown, 1, 28, 28)) for the example grid.
    /// <paramref name="progress"/> hears one step per batch.
    /// </summary>
    public (AlteredConditioningRow Row, float[] Examples) Measure(int t, IProgress<IProgressReport>? progress = null)
    {
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < Config.Images; start += Config.Batch)
            {
                long n = Math.Min(Config.Batch, Config.Images - start);
                using var x0 = Originals.Narrow(0, start, n);
                using var noise = Noise.Narrow(0, start, n);
                using var cond = Tokens.Narrow(0, start, n);
                using var nul = Tokenizer.NullTokens((int)n, Preset.MaxCaptionLength, Device);
                parts.Add(AlteredConditioningLab.Denoise(Teacher, Schedule, x0, noise, cond, nul, t, Config.GridSteps, Guidance));
                progress?.Report(new ProgressSnapshot(start + n, Config.Images, [("t", t)], RateUnit: "img/s"));
            }
            using var results = Torch.Cat(parts);
            using var outputs = ClassifierOutputs.Collect(Classifier, results);
            using var predicted = outputs.Logits.ArgMax(1);
            var row = new AlteredConditioningRow(t, Schedule.AlphaBar(t), AlteredConditioningLab.SamplingTimesteps(t, Config.GridSteps, Schedule.Steps).Length,
                                                 Config.Images, Fraction(predicted, NewLabels), Fraction(predicted, Labels));
            using var first = results.Narrow(0, 0, Shown).Cpu();
            return (row, first.ToArray<float>());
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>The example rows of <see cref="Shown"/> images, given the results <see cref="Measure"/> returned for each t.</summary>
    public AlteredConditioningExamples Examples(IReadOnlyList<int> timesteps, IReadOnlyList<float[]> results)
    {
        using var first = Originals.Narrow(0, 0, Shown).Cpu();
        return new AlteredConditioningExamples(first.ToArray<float>(), [.. results], [.. timesteps], HostInts(Labels, Shown), HostInts(NewLabels, Shown), Captions[..Shown]);
    }

    public void Dispose()
    {
        foreach (var d in new IDisposable[] { Originals, Labels, NewLabels, Tokens, Noise, Schedule, Classifier, Teacher }) d.Dispose();
    }

    private static double Fraction(Tensor predicted, Tensor labels)
    {
        using var same = predicted.Eq(labels).To(DType.Float64).Mean();
        return same.Item();
    }

    private static int[] HostInts(Tensor labels, int count)
    {
        using var host = labels.Narrow(0, 0, count).Cpu();
        return host.ToArray<long>().Select(v => (int)v).ToArray();
    }
}
