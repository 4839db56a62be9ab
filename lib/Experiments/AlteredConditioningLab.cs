using Microsoft.Data.Analysis;
using System.Diagnostics;
using System.Text.Json.Serialization;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Metrics;
using RandCond.Plotting;
using RandCond.Tensors;
using RandCond.Training;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>Every knob of the altered-conditioning experiment, with the presets of each scale.</summary>
/// <param name="Scale">The preset's name; records are written under <see cref="RepoPaths.ResultsFor"/> of it.</param>
/// <param name="Timesteps">The t values of the curve, each in [0, 1000).</param>
/// <param name="Images">MNIST test images, each noised to every t.</param>
/// <param name="GridSteps">DDIM's uniform grid; a run from t walks the grid steps below t.</param>
/// <param name="ExampleRows">Images kept as example rows (original, then the result from each t).</param>
/// <param name="Batch">Images denoised at once.</param>
/// <param name="Seed">Picks the images, the new digits, their captions and the noise.</param>
public sealed record AlteredConditioningConfig(string Scale, int[] Timesteps, int Images, int GridSteps, int ExampleRows, int Batch, ulong Seed = 0)
{
    /// <summary>
    /// About two minutes on 2 CPU cores: 16 images, DDIM on a 20-step grid, so a run from t takes about 20 t / 1000 steps; t is denser
    /// below 500, where the switch happens, than above it.
    /// </summary>
    public static readonly AlteredConditioningConfig Quick = new("quick", [0, 100, 200, 300, 400, 500, 600, 800, 999], 16, 20, 6, 100);

    public static readonly AlteredConditioningConfig Paper = new("paper", [0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700, 750, 800, 850, 900, 950, 999],
                                                                 1000, 50, 8, 500);

    /// <summary>Seconds on the CPU, for tests and notebooks' smoke runs; its numbers mean nothing.</summary>
    public static readonly AlteredConditioningConfig Smoke = new("smoke", [0, 500, 999], 2, 4, 2, 2);

    public static AlteredConditioningConfig For(string scale) => scale switch
    {
        "quick" => Quick,
        "paper" => Paper,
        "smoke" => Smoke,
        _ => throw new ArgumentException($"altered conditioning: unknown scale '{scale}' (expected smoke, quick or paper)", nameof(scale)),
    };

    /// <summary>Throws naming the first knob out of range.</summary>
    public void Validate(int totalSteps = TeacherPreset.TimeSteps)
    {
        if (Timesteps.Length == 0) throw new ArgumentException("altered conditioning: Timesteps is empty");
        foreach (int t in Timesteps)
            if (t < 0 || t >= totalSteps) throw new ArgumentException($"altered conditioning: Timesteps holds {t}, outside [0, {totalSteps})");
        if (Images < 1) throw new ArgumentException($"altered conditioning: Images must be at least 1, not {Images}");
        if (GridSteps < 1 || GridSteps > totalSteps) throw new ArgumentException($"altered conditioning: GridSteps must be in [1, {totalSteps}], not {GridSteps}");
        if (ExampleRows < 0) throw new ArgumentException($"altered conditioning: ExampleRows must be at least 0, not {ExampleRows}");
        if (Batch < 1) throw new ArgumentException($"altered conditioning: Batch must be at least 1, not {Batch}");
    }
}

/// <summary>One t of the curve: how many of the images, denoised from t under another class's caption, the classifier reads as which class.</summary>
public sealed record AlteredConditioningRow(
    int T, double AlphaBar, int SamplingSteps, int Images,
    [property: JsonPropertyName("follows_new_condition")] double FollowsNew,
    [property: JsonPropertyName("keeps_original_class")] double KeepsOriginal)
{
    /// <summary>Read as neither the original class nor the new one.</summary>
    public double Neither => 1 - FollowsNew - KeepsOriginal;
}

/// <summary>
/// The first few images of the run: the originals (N, 1, 28, 28) in [-1, 1] as floats, and per t of the curve the results;
/// their original and new classes, and the new caption each was denoised under.
/// </summary>
public sealed record AlteredConditioningExamples(float[] Originals, float[][] Results, int[] Timesteps, int[] OriginalLabels, int[] NewLabels, string[] Captions)
{
    public int Count => OriginalLabels.Length;
}

/// <summary>
/// A run of the altered-conditioning experiment as its record holds it (results/altered-conditioning-*.json), plus, for a run
/// made in this process, its example images.
/// </summary>
public sealed record AlteredConditioningResult : RecordedRun
{
    public required string Scale { get; init; }
    public ulong Seed { get; init; }
    public required string Teacher { get; init; }
    public required string Classifier { get; init; }
    public double ClassifierTestAccuracy { get; init; }
    /// <summary>How the images, new classes and captions were drawn.</summary>
    [JsonPropertyName("images")] public required string ImageDraw { get; init; }
    /// <summary>How each image was noised and denoised.</summary>
    public required string Sampler { get; init; }
    public required IReadOnlyList<AlteredConditioningRow> Rows { get; init; }
    public double Seconds { get; init; }
    /// <summary>The example grid's PNG beside the record, when the run wrote one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ExampleGrid { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CurvePng { get; init; }
    /// <summary>The example images; only a run made in this process has them.</summary>
    [JsonIgnore] public AlteredConditioningExamples? Examples { get; init; }

    /// <summary>The committed record results/<paramref name="fileName"/>, or null when that run has not been recorded.</summary>
    public static AlteredConditioningResult? Recorded(string fileName) => RecordedRuns.Recorded<AlteredConditioningResult>(fileName);

    public static AlteredConditioningResult Load(string path) => RecordedRuns.Load<AlteredConditioningResult>(path);

    /// <summary>t, ab_t, steps and the three fractions, one row per t.</summary>
    public DataFrame Table() => AlteredConditioningLab.CurveTable(Rows, SourceFile is null ? null : Provenance);

    /// <summary>Both fractions against t.</summary>
    public GenericChart Figure(string? title = null) => AlteredConditioningLab.CurveFigure(Rows, title);

    /// <summary>The smallest t from which most results follow the new caption, or null.</summary>
    public AlteredConditioningRow? FirstFollowingNew => Rows.FirstOrDefault(r => r.FollowsNew > 0.5);

    /// <summary>The largest t from which most results keep the original class, or null.</summary>
    public AlteredConditioningRow? LastKeepingOriginal => Rows.LastOrDefault(r => r.KeepsOriginal > 0.5);
}

/// <summary>
/// The paper's Fig. 3 (altered-conditioning): real MNIST test images of class a are noised to step t with the forward
/// process, then denoised from t to 0 by the committed teacher with DDIM and classifier-free guidance under the caption of
/// another class b. The committed classifier reads each result; per t the curve is the fraction read as b (the result
/// follows the new condition) and as a (it kept the image). The claim: at small t the image decides, at large t the
/// condition does. Every t uses the same images, the same noise and the same new captions, so the curve is paired.
/// </summary>
public static class AlteredConditioningLab
{
    public const string Experiment = "altered-conditioning";

    /// <summary>
    /// The DDIM steps for a run from <paramref name="t"/>: the steps of the uniform (trailing) <paramref name="gridSteps"/>-step
    /// grid below t, then t itself, increasing. t = 0 gives [0], a single step to the x_0 estimate.
    /// </summary>
    public static int[] SamplingTimesteps(int t, int gridSteps, int totalSteps = TeacherPreset.TimeSteps)
    {
        if (t < 0 || t >= totalSteps) throw new ArgumentOutOfRangeException(nameof(t), t, $"AlteredConditioningLab: t must be in [0, {totalSteps})");
        return [.. Diffusion.Timesteps.Uniform(totalSteps, gridSteps).Where(s => s < t), t];
    }

    /// <summary>
    /// Noises <paramref name="x0"/> to t with <paramref name="eps"/> (x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps) and denoises it from t
    /// with deterministic DDIM over <see cref="SamplingTimesteps"/>, guided towards <paramref name="tokens"/>; the result is clamped to [-1, 1].
    /// </summary>
    public static Tensor Denoise(TextDiffusionModel teacher, NoiseSchedule schedule, Tensor x0, Tensor eps, Tensor tokens, Tensor nullTokens,
                                 int t, int gridSteps, double guidance)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var steps = Torch.Full([x0.Size(0)], t, DType.Int64, x0.Device);
        var xt = ForwardProcess.QSample(schedule, x0, steps, eps);
        var sampler = new DdimSampler(schedule, SamplingTimesteps(t, gridSteps, schedule.Steps));
        var denoiser = ClassifierFreeGuidance.Bind(teacher, tokens, nullTokens, guidance);
        return sampler.Sample(denoiser, xt).Clamp(-1, 1).MoveToOuterScope();
    }

    /// <summary>The whole curve: loads the committed teacher, classifier and the MNIST test set, and measures every t of the configuration.</summary>
    public static AlteredConditioningResult Run(AlteredConditioningConfig config, Device device, TextWriter? log = null, IProgress<IProgressReport>? progress = null)
    {
        using var setup = AlteredConditioningSetup.Load(config, device);
        return Run(setup, log, progress);
    }

    /// <summary>
    /// Measures every t of <paramref name="setup"/>'s configuration (one line per t on <paramref name="log"/>, one progress step
    /// per batch of images) and returns the curve as the record of this run, with the example images.
    /// </summary>
    public static AlteredConditioningResult Run(AlteredConditioningSetup setup, TextWriter? log = null, IProgress<IProgressReport>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var config = setup.Config;
        log?.WriteLine(setup.Describe());
        var rows = new List<AlteredConditioningRow>();
        var examples = new List<float[]>();
        var perT = progress is null ? null : new StepOffset(progress, config.Timesteps.Length * (long)config.Images);
        foreach (int t in config.Timesteps)
        {
            var stepClock = Stopwatch.StartNew();
            var (row, shown) = setup.Measure(t, perT);
            perT?.Advance(config.Images);
            rows.Add(row);
            examples.Add(shown);
            log?.WriteLine($"  t = {t,4} ({row.SamplingSteps,2} steps): new class {row.FollowsNew,6:P1}, original {row.KeepsOriginal,6:P1} ({stepClock.Elapsed.TotalSeconds:F1} s)");
        }
        var result = new AlteredConditioningResult
        {
            Scale = config.Scale,
            Seed = config.Seed,
            Teacher = Path.GetFileName(setup.TeacherFile),
            Classifier = Path.GetFileName(setup.ClassifierFile),
            ClassifierTestAccuracy = setup.ClassifierInfo.TestAccuracy,
            ImageDraw = setup.ImageDraw,
            Sampler = setup.SamplerDescription,
            Rows = rows,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Examples = setup.Examples(config.Timesteps, examples),
        };
        return (AlteredConditioningResult)result.StampedNow(Experiment, setup.Device);
    }

    /// <summary>Turns each t's per-batch reports (step of the images) into steps of the whole run (step of t values x images).</summary>
    private sealed class StepOffset(IProgress<IProgressReport> inner, long total) : IProgress<IProgressReport>
    {
        private long done;
        public void Advance(long steps) => done += steps;
        public void Report(IProgressReport value)
        {
            var s = value.Snapshot;
            inner.Report(s with { Step = done + s.Step, Total = total });
        }
    }

    /// <summary>t, ab_t, steps and the three fractions, one row per t.</summary>
    public static DataFrame CurveTable(IReadOnlyList<AlteredConditioningRow> rows, string? provenance = null) =>
        new DataFrame(
                new Int32DataFrameColumn("t", rows.Select(r => r.T)),
                new DoubleDataFrameColumn("ab_t", rows.Select(r => r.AlphaBar)),
                new Int32DataFrameColumn("DDIM steps", rows.Select(r => r.SamplingSteps)),
                new Int32DataFrameColumn("images", rows.Select(r => r.Images)),
                new DoubleDataFrameColumn("follows new caption (b)", rows.Select(r => r.FollowsNew)),
                new DoubleDataFrameColumn("keeps original (a)", rows.Select(r => r.KeepsOriginal)),
                new DoubleDataFrameColumn("neither", rows.Select(r => r.Neither)))
            .WithStyle(new TableStyle().Column("ab_t", "F4").Column("follows new caption (b)", "0.0%").Column("keeps original (a)", "0.0%").Column("neither", "0.0%")
                .WithCaption("MNIST test images of class a noised to t and denoised by the teacher under a caption of class b != a: " +
                             "the fraction the classifier reads as b and as a" + (provenance is null ? "" : $" ({provenance})"), "tab:altered-conditioning"));

    /// <summary>Both fractions against t.</summary>
    public static GenericChart CurveFigure(IReadOnlyList<AlteredConditioningRow> rows, string? title = null)
    {
        double[] ts = rows.Select(r => (double)r.T).ToArray();
        return Chart.Combine(new[]
            {
                Chart.Line<double, double, string>(ts, rows.Select(r => r.FollowsNew), ShowMarkers: true,
                    Name: "follows the new caption (class b)", LineColor: Color.fromString("#d62728"), LineWidth: 3),
                Chart.Line<double, double, string>(ts, rows.Select(r => r.KeepsOriginal), ShowMarkers: true,
                    Name: "keeps the original image (class a)", LineColor: Color.fromString("#1f77b4"), LineWidth: 3),
            })
            .WithTitle(title ?? "Altered conditioning (paper Fig. 3): fraction of denoised images that follow the new caption, against t")
            .WithXAxis("t the image was noised to, then denoised from (linear schedule, T = 1000)", min: -20, max: TeacherPreset.TimeSteps + 20)
            .WithYAxis("fraction of images", min: -0.03, max: 1.03)
            .WithLegendAt(0.5, 1.12, horizontal: true).WithSize(800, 480);
    }

    /// <summary>One row per example image: the original, then the result from each t; rows labelled "a>b".</summary>
    public static ImageGrid ExampleGrid(AlteredConditioningExamples examples)
    {
        int n = examples.Count, columns = 1 + examples.Timesteps.Length, pixels = 28 * 28;
        var data = new float[n * columns * pixels];
        for (int i = 0; i < n; i++)
        {
            examples.Originals.AsSpan(i * pixels, pixels).CopyTo(data.AsSpan(i * columns * pixels));
            for (int k = 0; k < examples.Timesteps.Length; k++)
                examples.Results[k].AsSpan(i * pixels, pixels).CopyTo(data.AsSpan((i * columns + 1 + k) * pixels));
        }
        return ImageGrid.FromPixels(data, n * columns, 1, 28, 28, Plotting.PixelRange.MinusOneToOne)
            .Columns(columns).Upscale(2).Padding(4)
            .ColumnLabels([.. examples.Timesteps.Select(t => $"t={t}").Prepend("orig")])
            .RowLabels([.. Enumerable.Range(0, n).Select(i => $"{examples.OriginalLabels[i]}>{examples.NewLabels[i]}")]);
    }

    /// <summary>The lab verb: maps the options onto the configuration, runs it, prints the curve, writes the record, the curve figure and the example grid.</summary>
    public static int Execute(AlteredConditioningConfig config, Device device, TextWriter log)
    {
        var result = Run(config, device, log);
        log.WriteLine(result.Table().ToText());

        var baseName = Path.Combine(RepoPaths.ResultsFor(config.Scale), $"{Experiment}-{config.Scale}");
        result = result with
        {
            ExampleGrid = OptionalFigure.Write(baseName + "-examples.png", path => ExampleGrid(result.Examples!).SavePng(path), log),
            CurvePng = OptionalFigure.Write(baseName + "-curve.png", path => result.Figure().Export(path, scale: 1), log),
        };
        var path = RecordedRuns.Write($"{baseName}-{(device.IsCuda ? "cuda" : "cpu")}.json", result);
        log.WriteLine($"-> {path}");
        return 0;
    }
}
