using Microsoft.Data.Analysis;
using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Metrics;
using RandCond.Plotting;
using RandCond.Tensors;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>The sizes of one scale of the altered-conditioning experiment.</summary>
public sealed record AlteredConditioningScale(string Name, int[] Timesteps, int Images, int GridSteps, int ExampleRows, int Batch)
{
    /// <summary>
    /// About two minutes on 2 CPU cores: 16 images, DDIM on a 20-step grid, so a run from t takes about 20 t / 1000 steps; t is denser
    /// below 500, where a first 10-image run showed the switch (between t = 300 and 500), than above it (100% new class from 500 on).
    /// </summary>
    public static readonly AlteredConditioningScale Quick = new("quick", [0, 100, 200, 300, 400, 500, 600, 800, 999], 16, 20, 6, 100);

    public static readonly AlteredConditioningScale Paper = new("paper", [0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700, 750, 800, 850, 900, 950, 999],
                                                                1000, 50, 8, 500);

    /// <summary>Seconds on the CPU, for tests and notebooks' smoke runs; its numbers mean nothing.</summary>
    public static readonly AlteredConditioningScale Smoke = new("smoke", [0, 500, 999], 2, 4, 2, 2);

    public static AlteredConditioningScale Named(string name) => name switch
    {
        "quick" => Quick,
        "paper" => Paper,
        "smoke" => Smoke,
        _ => throw new ArgumentException($"unknown scale '{name}' (quick, paper, smoke)"),
    };
}

/// <summary>One t of the curve: how many of the images, denoised from t under another class's caption, the classifier reads as which class.</summary>
public sealed record AlteredConditioningRow(int T, double AlphaBar, int SamplingSteps, int Images, double FollowsNew, double KeepsOriginal)
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

public sealed record AlteredConditioningResult(IReadOnlyList<AlteredConditioningRow> Rows, AlteredConditioningExamples Examples, JsonObject Record);

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

    /// <summary>The whole curve: loads the committed teacher, classifier and the MNIST test set, and runs every t of the scale.</summary>
    public static AlteredConditioningResult Compute(AlteredConditioningScale scale, Device device, ulong seed = 0, TextWriter? log = null)
    {
        var clock = Stopwatch.StartNew();
        var teacherPath = RepoPaths.Data("teachers", "mnist-teacher.safetensors");
        var classifierPath = RepoPaths.Data("classifiers", ClassifierLab.FileName(DatasetKind.Mnist));
        var (teacher, tokenizer, preset, _) = TeacherFile.Load(teacherPath, device);
        using var _t = teacher;
        var (classifier, info) = ClassifierCheckpoint.Load(classifierPath, device);
        using var _c = classifier;
        using var test = ImageDataset.Load(DatasetKind.Mnist, DatasetSplit.Test, Data.PixelRange.MinusOneOne, device);
        if (scale.Images > test.Count) throw new ArgumentException($"AlteredConditioningLab: {scale.Images} images asked for, the MNIST test set has {test.Count}");
        using var schedule = preset.Schedule();
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);
        int classes = DatasetKind.Mnist.NumClasses();

        // Images, new classes, captions and noise come from a CPU generator, so a seed picks the same draws on every device.
        using var gen = new Generator(seed);
        using var pick = Torch.Randperm(test.Count, gen).Narrow(0, 0, scale.Images).To(device);
        using var originals = test.Images.IndexSelect(0, pick);
        using var labels = test.Labels.IndexSelect(0, pick);
        using var shift = Torch.Randint(1, classes, [scale.Images], gen).To(device);
        using var newLabels = (labels + shift) % classes;
        using var captionIndex = corpus.SampleForLabels(newLabels.Cpu(), gen).To(device);
        using var eps = Torch.Randn([scale.Images, 1, 28, 28], gen).To(device);
        using var allTokens = corpus.Encode(tokenizer, preset.MaxCaptionLength, device);
        using var tokens = allTokens.IndexSelect(0, captionIndex);
        double guidance = preset.GuidanceScale;

        log?.WriteLine($"altered conditioning, {scale.Name} scale, on {RunRecord.DeviceName(device)}: {scale.Images} MNIST test images, each noised to t and " +
                       $"denoised under another digit's caption (DDIM on a {scale.GridSteps}-step grid, guidance {guidance}), t = {string.Join(", ", scale.Timesteps)}");
        int shown = Math.Min(scale.ExampleRows, scale.Images);
        var rows = new List<AlteredConditioningRow>();
        var examples = new List<float[]>();
        foreach (int t in scale.Timesteps)
        {
            var stepClock = Stopwatch.StartNew();
            var parts = new List<Tensor>();
            for (long start = 0; start < scale.Images; start += scale.Batch)
            {
                long n = Math.Min(scale.Batch, scale.Images - start);
                using var x0 = originals.Narrow(0, start, n);
                using var noise = eps.Narrow(0, start, n);
                using var cond = tokens.Narrow(0, start, n);
                using var nul = tokenizer.NullTokens((int)n, preset.MaxCaptionLength, device);
                parts.Add(Denoise(teacher, schedule, x0, noise, cond, nul, t, scale.GridSteps, guidance));
            }
            using var results = Torch.Cat(parts);
            foreach (var p in parts) p.Dispose();
            using var outputs = ClassifierOutputs.Collect(classifier, results);
            using var predicted = outputs.Logits.ArgMax(1);
            double followsNew = Fraction(predicted, newLabels), keepsOriginal = Fraction(predicted, labels);
            var row = new AlteredConditioningRow(t, schedule.AlphaBar(t), SamplingTimesteps(t, scale.GridSteps).Length, scale.Images, followsNew, keepsOriginal);
            rows.Add(row);
            using (var first = results.Narrow(0, 0, shown).Cpu()) examples.Add(first.ToArray<float>());
            log?.WriteLine($"  t = {t,4} ({row.SamplingSteps,2} steps): new class {followsNew,6:P1}, original {keepsOriginal,6:P1} ({stepClock.Elapsed.TotalSeconds:F1} s)");
        }

        using var shownOriginals = originals.Narrow(0, 0, shown).Cpu();
        using var shownCaptions = captionIndex.Narrow(0, 0, shown);
        var exampleSet = new AlteredConditioningExamples(shownOriginals.ToArray<float>(), examples.ToArray(), scale.Timesteps.ToArray(),
            HostInts(labels, shown), HostInts(newLabels, shown), corpus.CaptionsAt(shownCaptions));

        var json = RunRecord.Header(Experiment, device);
        json["scale"] = scale.Name;
        json["seed"] = seed;
        json["teacher"] = Path.GetFileName(teacherPath);
        json["classifier"] = Path.GetFileName(classifierPath);
        json["classifier_test_accuracy"] = info.TestAccuracy;
        json["images"] = $"{scale.Images} MNIST test images drawn at random; per image a new class b != a uniform over the other {classes - 1}, a caption of b from CaptionCorpus.Full(mnist)";
        json["sampler"] = $"x_t = forward process of the image at t (one eps per image, shared by every t); DDIM eta 0 from t over the uniform trailing {scale.GridSteps}-step grid below t; guidance {guidance}";
        json["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
        {
            ["t"] = r.T, ["alpha_bar"] = r.AlphaBar, ["sampling_steps"] = r.SamplingSteps, ["images"] = r.Images,
            ["follows_new_condition"] = r.FollowsNew, ["keeps_original_class"] = r.KeepsOriginal, ["neither"] = r.Neither,
        }).ToArray());
        json["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
        return new AlteredConditioningResult(rows, exampleSet, json);
    }

    /// <summary>t, ab_t, steps and the three fractions, one row per t.</summary>
    public static DataFrame CurveTable(IReadOnlyList<AlteredConditioningRow> rows) =>
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
                             "the fraction the classifier reads as b and as a", "tab:altered-conditioning"));

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

    /// <summary>The lab verb: computes the curve, prints it, writes the JSON record, the curve figure and the example grid.</summary>
    public static AlteredConditioningResult Execute(LabArguments a, TextWriter log)
    {
        var scale = AlteredConditioningScale.Named(a.String("scale", "quick"));
        var device = a.Device();
        ulong seed = (ulong)a.Int("seed", 0);
        a.CheckAllUsed();
        var result = Compute(scale, device, seed, log);
        log.WriteLine(CurveTable(result.Rows).ToText());

        var folder = RepoPaths.ResultsFor(scale.Name);
        var baseName = Path.Combine(folder, $"{Experiment}-{scale.Name}");
        ExampleGrid(result.Examples).SavePng(baseName + "-examples.png");
        result.Record["example_grid"] = Path.GetFileName(baseName + "-examples.png");
        try
        {
            CurveFigure(result.Rows).Export(baseName + "-curve.png", scale: 1);
            result.Record["curve_png"] = Path.GetFileName(baseName + "-curve.png");
        }
        catch (PlottingDependencyException e)
        {
            log.WriteLine($"(no curve PNG: {e.Message})");
        }
        var path = ResultFiles.Write($"{baseName}-{(device.IsCuda ? "cuda" : "cpu")}.json", result.Record);
        log.WriteLine($"-> {path}");
        return result;
    }

    public static int Run(LabArguments a, TextWriter log)
    {
        Execute(a, log);
        return 0;
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
