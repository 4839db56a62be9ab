using System.Diagnostics;
using RandCond.Data;
using RandCond.Distillation;
using RandCond.Plotting;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// Paper Fig. 2: the MNIST teacher knows every digit; the image set D it generates leaves one digit out (3 by default);
/// two students from random weights (sharing the teacher's frozen condition encoder) are distilled on D, one without and
/// one with random conditioning, from the same seeds. Whatever a student can draw of the held-out digit it learned
/// through distillation. Scored by the committed classifier: accuracy on the held-out digit and on the seen digits; a
/// sample grid of teacher, no-RC and RC from the same noise. <see cref="Run(HeldOutDigitConfig, TextWriter, IProgress{IProgressReport}?)"/>
/// composes the public steps below, which notebook 03 calls one cell at a time.
/// </summary>
public static class HeldOutDigitLab
{
    public const string Experiment = "held-out-digit";

    /// <summary>The two arms: their names and p(t) (off for the no-RC student).</summary>
    public static IReadOnlyList<(string Arm, ReplacementProbability Replacement)> Arms(HeldOutDigitConfig config) =>
        [("no-rc", ReplacementProbability.Off), ("rc", config.RcReplacement)];

    /// <summary>The distillation options both students share; <see cref="HeldOutDigitConfig.Options"/>.</summary>
    public static DistillationOptions Options(HeldOutDigitConfig config) => config.Options();

    /// <summary>How every model is sampled for scoring; <see cref="HeldOutDigitConfig.Sampling"/>.</summary>
    public static SamplingPlan Sampling(HeldOutDigitConfig config) => config.Sampling();

    /// <summary>
    /// Runs the experiment and writes its record (and sample grid) through <see cref="RepoPaths.ResultsFor"/>; returns the
    /// result. <paramref name="progress"/>, when given, hears of generation, distillation and sampling instead of the log.
    /// </summary>
    public static HeldOutDigitResult Run(HeldOutDigitConfig config, TextWriter log, IProgress<IProgressReport>? progress = null)
    {
        config.Validate();
        var clock = Stopwatch.StartNew();
        using var bench = OpenBench(config, log);
        var (captions, withoutDigit) = Corpora(config);
        var recipe = config.Recipe(bench.Preset.GuidanceScale);
        log.WriteLine($"held-out digit {config.HeldOutDigit}, {config.Scale} scale, on {RunRecord.DeviceName(config.Device)}: D = teacher images of the other digits ({recipe}); C = all {captions.Count} captions");
        log.WriteLine($"paths: {config.Paths.AsRun()}");
        using var images = bench.Generate(withoutDigit, recipe, progress);
        var data = new DistillationData(images, captions);
        var plan = config.Sampling();
        StepPrecisionCheck? precision = null;
        if (config.Paths.Bf16Step)
        {
            precision = bench.CheckStepPrecision(Arm(config, data, "rc", config.RcReplacement));
            log.WriteLine($"  {precision}");
        }

        var (teacherScores, teacherSamples) = bench.Score("teacher", bench.Teacher, plan, progress);
        var armResults = new List<ArmResult>();
        try
        {
            var arms = new List<HeldOutDigitArm>();
            double teacherHeldOut = teacherScores.PerClassAccuracy[config.HeldOutDigit];
            var chosen = Arms(config);
            armResults.AddRange(bench.Run(chosen.Select(a => Arm(config, data, a.Arm, a.Replacement)).ToList(), plan, progress, progress));
            for (int i = 0; i < chosen.Count; i++)
            {
                var (arm, probability) = chosen[i];
                var entry = HeldOutDigitArm.Of(arm, probability.Name, armResults[i], config.HeldOutDigit, teacherHeldOut);
                log.WriteLine($"  {arm}: held-out digit {entry.HeldOutAccuracy:P1}, seen digits {entry.SeenAccuracy:P1}");
                arms.Add(entry);
            }
            var grid = SampleGrid([teacherSamples, .. armResults.Select(r => r.Samples)], ["teacher", "no RC", "RC"], config.SamplesPerDigit);
            var outcome = Result(config, bench, images, teacherScores, arms, clock.Elapsed.TotalSeconds) with { Samples = grid, StepPrecision = precision };
            var (recorded, path) = Save(outcome, config.Device, RepoPaths.ResultsFor(config.Scale), log, config.RecordVariant());
            log.WriteLine($"teacher: held-out {recorded.TeacherHeldOutAccuracy:P1}, seen {recorded.TeacherSeenAccuracy:P1}");
            foreach (var s in recorded.Students) log.WriteLine($"{s.Arm}: held-out {s.HeldOutAccuracy:P1}, seen {s.SeenAccuracy:P1}");
            log.WriteLine($"-> {path} ({clock.Elapsed.TotalMinutes:F1} min)");
            return recorded;
        }
        finally
        {
            teacherSamples.Dispose();
            foreach (var r in armResults) r.Dispose();
        }
    }

    /// <summary>The teacher, classifier and run store; fails unless the teacher is an MNIST teacher of the configured conditioning.</summary>
    public static DistillationBench OpenBench(HeldOutDigitConfig config, TextWriter log)
    {
        var bench = DistillationBench.Open(Experiment, config.TeacherPath, config.Device, log, fastPaths: config.Paths);
        try
        {
            var kind = bench.Teacher.Text.Config.Kind;
            if (kind != config.Conditioning)
                throw new ArgumentException($"Conditioning {config.Conditioning}: the teacher {config.TeacherPath} is {kind}-conditioned");
            if (bench.Kind != DatasetKind.Mnist)
                throw new ArgumentException($"the held-out-digit experiment needs an MNIST teacher; {config.TeacherPath} is {bench.Kind.DisplayName()}");
            return bench;
        }
        catch
        {
            bench.Dispose();
            throw;
        }
    }

    /// <summary>C, every MNIST caption (the held-out digit's included), and D's captions: C without the held-out digit's.</summary>
    public static (CaptionCorpus TextCorpus, CaptionCorpus ImageCaptions) Corpora(HeldOutDigitConfig config)
    {
        var full = CaptionCorpus.Full(DatasetKind.Mnist);
        return (full, full.Excluding(ConceptGroups.Digit(config.HeldOutDigit)));
    }

    /// <summary>One student to distil on D and C with the given p(t): its run name keys its checkpoint and run-store entry.</summary>
    public static DistillationArm Arm(HeldOutDigitConfig config, DistillationData data, string arm, ReplacementProbability replacement)
    {
        var spec = config.StudentSpec;
        var extra = new System.Text.Json.Nodes.JsonObject { ["held_out_digit"] = config.HeldOutDigit, ["scale"] = config.Scale, ["conditioning"] = config.Conditioning };
        return new DistillationArm($"{config.Scale}-{config.Conditioning}-digit{config.HeldOutDigit}-{spec.Name}-{arm}", data, spec,
            config.Options() with { Replacement = replacement }, extra);
    }

    /// <summary>The result of a run made now: the record header, the setup, the teacher's and each student's accuracies.</summary>
    public static HeldOutDigitResult Result(HeldOutDigitConfig config, DistillationBench bench, ImageSet images, ModelScores teacherScores,
        IReadOnlyList<HeldOutDigitArm> arms, double seconds)
    {
        var header = RunRecord.Header(Experiment, config.Device);
        string H(string field) => header[field]!.GetValue<string>();
        var options = config.Options();
        var captions = Corpora(config).TextCorpus;
        return new HeldOutDigitResult(Experiment, H("git_commit"), H("device"), H("libtorch"), H("dotnet"), H("command"), H("date_utc"),
            config.Scale, config.HeldOutDigit, Path.GetFileName(config.TeacherPath), config.StudentSpec.Label,
            $"{images.Count} teacher images of digits other than {config.HeldOutDigit}: {config.Recipe(bench.Preset.GuidanceScale)}",
            $"all {captions.Count} MNIST captions (the held-out digit's included)",
            $"{options.Steps} steps of {options.BatchSize} ({(config.TimeBudgetMinutes > 0 ? $"time budget {config.TimeBudgetMinutes} min per student" : "no time budget")}), " +
            $"lr {options.LearningRate} ({(options.CosineDecay ? "cosine decay" : "constant")} after {options.WarmupSteps} warm-up steps), output KD + {options.Weights.Feature} x feature KD",
            $"{config.SamplesPerDigit} per digit, DDIM {config.SamplingSteps} steps, guidance {bench.Preset.GuidanceScale}",
            teacherScores.PerClassAccuracy[config.HeldOutDigit], HeldOutDigitResult.SeenMean(teacherScores.PerClassAccuracy, config.HeldOutDigit),
            arms, SampleGrid: "", seconds, config.Conditioning, config.Paths.GraphedStep, teacherScores.PerClassAccuracy.ToArray(),
            Goals: "RC held-out accuracy >= 90% of the teacher's; no-RC <= 20%; seen digits >= 95% for both") { FastPaths = config.Paths.AsRun(), HostMemory = H("host_memory"), Blas = H("blas") };
    }

    /// <summary>
    /// Writes the sample grid (when the result has one and the image libraries load) and the JSON record into
    /// <paramref name="folder"/>: held-out-digit-SCALE[-label-digitN][VARIANT]-cpu|cuda.json, where <paramref name="variant"/>
    /// (<see cref="HeldOutDigitConfig.RecordVariant"/>) names the knobs that differ from the scale's preset, so that a variant
    /// never overwrites the preset's record. Returns the result as recorded and the JSON's path.
    /// </summary>
    public static (HeldOutDigitResult Recorded, string Path) Save(HeldOutDigitResult result, Device device, string folder, TextWriter log, string variant = "")
    {
        variant = (result.Conditioning == "label" ? $"-label-digit{result.HeldOutDigit}" : "") + variant;
        string grid = "none";
        if (result.Samples is { } samples)
            grid = OptionalFigure.Write(Path.Combine(folder, $"held-out-digit-{result.Scale}{variant}-samples.png"), samples.SavePng, log)
                   ?? "not written (the image libraries did not load; see the log)";
        var recorded = result with { SampleGrid = grid };
        return (recorded, recorded.Write(Path.Combine(folder, $"held-out-digit-{result.Scale}{variant}-{(device.IsCuda ? "cuda" : "cpu")}.json")));
    }

    /// <summary>
    /// For every digit, one row per model (up to 8 samples each) from class-major samples: "3 teacher", "3 no RC", "3 RC", ...
    /// </summary>
    public static ImageGrid SampleGrid(IReadOnlyList<Tensor> samples, IReadOnlyList<string> names, int perDigit) =>
        ClassSampleGrid.Of(samples, names, perDigit, Enumerable.Range(0, 10).ToArray(), d => d.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Up to <paramref name="perDigit"/> images of each digit D holds, one row per digit, labelled with the digit and its count in D.</summary>
    public static ImageGrid ImageSetGrid(ImageSet images, int perDigit = 8)
    {
        using var scope = Torch.NewDisposeScope();
        var labels = images.Labels.Cpu().ToArray<long>();
        var rows = new List<Tensor>();
        var rowLabels = new List<string>();
        int columns = 0;
        for (int d = 0; d < 10; d++)
        {
            var indices = Enumerable.Range(0, labels.Length).Where(i => labels[i] == d).ToArray();
            if (indices.Length == 0) continue;
            var take = indices.Take(perDigit).Select(i => (long)i).ToArray();
            rows.Add(images.Images.IndexSelect(0, Torch.FromArray(take, device: images.Device)));
            rowLabels.Add($"{d} ({indices.Length})");
            columns = Math.Max(columns, take.Length);
        }
        if (rows.Count == 0) throw new ArgumentException("the image set is empty", nameof(images));
        // Rows shorter than the widest are padded with blank (-1) images so every digit starts a row.
        var padded = rows.Select(r => r.Size(0) == columns ? r
            : Torch.Cat([r, Torch.Full([columns - r.Size(0), .. r.Shape[1..]], -1.0, device: r.Device)])).ToList();
        var picked = Torch.Cat(padded).Clamp(-1, 1).Cpu().Float();
        return ImageGrid.FromPixels(picked.ToArray<float>(), (int)picked.Size(0), 1, 28, 28, Plotting.PixelRange.MinusOneToOne)
            .Columns(columns).Upscale(2).Padding(2).RowLabels(rowLabels.ToArray());
    }

    /// <summary>How many images of each digit D holds (the held-out digit: zero).</summary>
    public static int[] ImagesPerDigit(ImageSet images)
    {
        var counts = new int[10];
        foreach (var label in images.Labels.Cpu().ToArray<long>()) counts[label]++;
        return counts;
    }
}
