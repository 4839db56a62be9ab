using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Experiments.Runs;
using RandCond.Metrics;
using RandCond.Plotting;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>The sizes of one scale of the distillation table.</summary>
public sealed record DistillationTableScale(string Name, int ImagesPerClass, int RealPerClass, int GenerationSteps, int DistillSteps,
                                            int BatchSize, double LearningRate, int SamplesPerClass, int SamplingSteps, double MinutesPerStudent)
{
    public static readonly DistillationTableScale Smoke = new("smoke", 2, 2, 2, 2, 8, 1e-4, 2, 2, 1);
    public static readonly DistillationTableScale Quick = new("quick", 10, 10, 10, 40, 16, 1e-4, 5, 10, 1.5);
    public static readonly DistillationTableScale Paper = new("paper", 1000, 1000, 25, 2000, 256, 1e-4, 300, 25, 0.5);

    public static DistillationTableScale Named(string name) => name switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "paper" => Paper,
        _ => throw new ArgumentException($"unknown scale '{name}' (smoke, quick, paper)"),
    };
}

/// <summary>
/// Paper Table 1 (main distillation) and, with a concept group excluded from D, Table 2 (unseen concepts). The teacher
/// generates D (or D is real images); each block-removed student, initialized from the teacher, is distilled without
/// and with random conditioning; every model is scored on samples of every class: FD against the test set, the
/// Inception-style score and per-condition accuracy, and for an excluded group the same on that group's classes
/// alone; plus parameters, MACs and sampling throughput. Writes results/distillation-table-... (JSON, Markdown, LaTeX).
/// </summary>
public static class DistillationTableLab
{
    public const string Experiment = "distillation-table";

    public static int Run(LabArguments a, TextWriter log)
    {
        Execute(a, log);
        return 0;
    }

    public static (JsonObject Result, Table Table) Execute(LabArguments a, TextWriter log)
    {
        var device = a.Device();
        var kind = a.Dataset("fashion-mnist");
        var scale = DistillationTableScale.Named(a.String("scale", "quick"));
        scale = scale with { MinutesPerStudent = a.Double("time-budget-min", scale.MinutesPerStudent), DistillSteps = a.Int("steps", scale.DistillSteps) };
        var specs = a.String("students", "block-removed,block-removed-no-mid,block-removed-no-inner").Split(',').Select(StudentSpec.Parse).ToArray();
        var sources = a.String("sources", "generated,real").Split(',');
        if (sources.Any(s => s is not ("generated" or "real"))) throw new ArgumentException($"--sources: each must be 'generated' or 'real', got '{string.Join(",", sources)}'");
        var excluded = a.Optional("exclude") is { } name ? ConceptGroups.Named(kind, name) : null;
        var teacherPath = a.String("teacher", RepoPaths.Data("teachers", $"{kind.Slug()}-teacher.safetensors"));
        a.CheckAllUsed();
        var clock = Stopwatch.StartNew();

        var (teacher, tokenizer, preset, _) = TeacherFile.Load(teacherPath, device);
        using var _t = teacher;
        var (classifier, _) = ClassifierCheckpoint.Load(RepoPaths.Data("classifiers", ClassifierLab.FileName(kind)), device);
        using var _c = classifier;
        using var test = ImageDataset.Load(kind, DatasetSplit.Test, Data.PixelRange.MinusOneOne, device);
        using var reference = FeatureStatistics.FromImages(classifier, test.Images);
        var evaluator = new SampleEvaluator(classifier, reference);
        using var groupReference = excluded is null ? null : FeatureStatistics.FromImages(classifier, ImagesOf(test, excluded));
        var groupEvaluator = groupReference is null ? null : new SampleEvaluator(classifier, groupReference, inceptionSplits: 1);  // only its FD and accuracy are reported

        var full = CaptionCorpus.Full(kind);
        var dCaptions = excluded is null ? full : full.Excluding(excluded);
        using var schedule = preset.Schedule();
        string what = excluded is null ? "main table" : $"unseen concepts ({excluded.Name} absent from D, present in C)";
        log.WriteLine($"{kind.DisplayName()} distillation, {what}, {scale.Name} scale on {RunRecord.DeviceName(device)}");

        var table = new Table().Column("model").Column("D").Column("RC").Column("FD", "0.00", Better.Lower).Column("IS", "0.00", Better.Higher)
            .Column("accuracy", "0.0%", Better.Higher);
        if (excluded is not null) table.Column($"FD {excluded.Name}", "0.00", Better.Lower).Column($"accuracy {excluded.Name}", "0.0%", Better.Higher);
        table.Column("U-Net params (M)", "0.00").Column("MACs (M)", "0").Column("img/s", "0");
        var rows = new JsonArray();
        long contextLength = preset.MaxCaptionLength;

        void Score(string model, string source, string rc, Diffusion.TextDiffusionModel net, long? runId, RunStore? store)
        {
            var (images, labels, rate) = TeacherLab.Sample(net, tokenizer, preset, kind, scale.SamplesPerClass, scale.SamplingSteps, preset.GuidanceScale, device, seed: 4321);
            using var _i = images;
            using var _l = labels;
            var all = evaluator.Evaluate(images, labels);
            SampleEvaluation? group = null;
            if (groupEvaluator is not null)
            {
                using var keep = GroupMask(labels, excluded!);
                using var gi = images.Index(keep);
                using var gl = labels.Index(keep);
                group = groupEvaluator.Evaluate(gi, gl);
            }
            double parameters = net.UNet.ParameterCount / 1e6, macs = net.UNet.Macs(28, 28, contextLength).Total / 1e6;
            var cells = new List<TableCell> { model, source, rc, all.FrechetDistance, all.InceptionScore.Mean, all.Accuracy!.Overall };
            if (group is not null) cells.AddRange([group.FrechetDistance, group.Accuracy!.Overall]);
            cells.AddRange([parameters, macs, rate]);
            table.AddRow(cells.ToArray());
            var row = new JsonObject
            {
                ["model"] = model, ["d"] = source, ["rc"] = rc, ["fd"] = all.FrechetDistance, ["inception_score"] = all.InceptionScore.Mean,
                ["accuracy"] = all.Accuracy.Overall, ["unet_parameters"] = net.UNet.ParameterCount, ["macs"] = net.UNet.Macs(28, 28, contextLength).Total,
                ["images_per_second"] = rate,
            };
            if (group is not null) { row["group_fd"] = group.FrechetDistance; row["group_accuracy"] = group.Accuracy!.Overall; }
            rows.Add(row);
            log.WriteLine($"  {model} / {source} / {rc}: FD {all.FrechetDistance:F3}, IS {all.InceptionScore.Mean:F2}, accuracy {all.Accuracy.Overall:P1}" +
                          (group is null ? "" : $", {excluded!.Name}: FD {group.FrechetDistance:F3}, accuracy {group.Accuracy!.Overall:P1}") + $", {rate:F0} img/s");
            if (runId is { } id)
            {
                var final = new Dictionary<string, double>
                {
                    ["fd"] = all.FrechetDistance, ["inception_score"] = all.InceptionScore.Mean, ["accuracy"] = all.Accuracy.Overall,
                };
                if (group is not null)
                {
                    final["group_fd"] = group.FrechetDistance;
                    final["group_accuracy"] = group.Accuracy!.Overall;
                }
                store!.Finish(id, final);
            }
        }

        Score("teacher", "", "", teacher, null, null);
        using var store = RunStore.Default();
        var recipe = new ImageSetRecipe(scale.ImagesPerClass, scale.GenerationSteps, preset.GuidanceScale);
        foreach (var source in sources)
        {
            using var images = source == "generated"
                ? GeneratedImageSet.Generate(teacher, GeneratedImageSet.FileFingerprint(teacherPath), tokenizer, preset.MaxCaptionLength, schedule,
                    dCaptions, recipe, RepoPaths.Cache("imagesets"), device,
                    new SynchronousProgress<ImageSetProgress>(p => log.WriteLine($"  D: {p.Done}/{p.Total}{(p.FromCache ? " (cached)" : "")}")))
                : RealImages(kind, dCaptions, scale.RealPerClass, device);
            var data = new DistillationData(images, full);
            foreach (var spec in specs)
                foreach (var (arm, p) in new[] { ("no", ReplacementProbability.Off), ("yes", ReplacementProbability.DefaultFor(spec.Init == StudentInit.Teacher)) })
                {
                    var options = new DistillationOptions
                    {
                        Steps = scale.DistillSteps, BatchSize = scale.BatchSize, LearningRate = scale.LearningRate,
                        WarmupSteps = Math.Min(100, scale.DistillSteps / 10 + 1), LogEvery = Math.Max(1, Math.Min(100, scale.DistillSteps / 10)),
                        Seed = 17, Replacement = p, TimeBudget = TimeSpan.FromMinutes(scale.MinutesPerStudent),
                    };
                    var runName = $"{kind.Slug()}-{scale.Name}-{excluded?.Name ?? "all"}-{spec.Name}-{source}-rc-{arm}".Replace(' ', '-');
                    var (student, _, runId) = StudentDistillation.Run(Experiment, runName, teacher, preset, tokenizer, data, spec, options, device, store, log,
                        new JsonObject { ["d_source"] = source, ["excluded"] = excluded?.Name, ["scale"] = scale.Name });
                    using var _s = student;
                    Score(spec.Label, source, arm, student, runId, store);
                }
        }

        string slug = $"distillation-table-{kind.Slug()}{(excluded is null ? "" : "-without-" + excluded.Name.Replace(' ', '-'))}-{scale.Name}-{(device.IsCuda ? "cuda" : "cpu")}";
        var folder = RepoPaths.ResultsFor(scale.Name);
        table.WithCaption($"{kind.DisplayName()} {what}, {scale.Name} scale ({RunRecord.DeviceName(device)}); FD and accuracy from {scale.SamplesPerClass} samples per class, DDIM {scale.SamplingSteps} steps, guidance {preset.GuidanceScale}");
        table.Save(Path.Combine(folder, slug + ".md"));
        table.Save(Path.Combine(folder, slug + ".tex"));
        var json = RunRecord.Header(Experiment, device);
        json["dataset"] = kind.Slug();
        json["scale"] = scale.Name;
        json["excluded_group"] = excluded?.Name;
        json["image_set"] = $"generated: {recipe}; real: {scale.RealPerClass} training images per class";
        json["distillation"] = $"{scale.DistillSteps} steps of {scale.BatchSize} (at most {scale.MinutesPerStudent.ToString(CultureInfo.InvariantCulture)} min per student), lr {scale.LearningRate}, output + feature KD, students from the teacher's weights";
        json["rows"] = rows;
        json["seconds"] = clock.Elapsed.TotalSeconds;
        var path = ResultFiles.Write(Path.Combine(folder, slug + ".json"), json);
        log.WriteLine($"-> {path} ({clock.Elapsed.TotalMinutes:F1} min)");
        return (json, table);
    }

    private static ImageSet RealImages(DatasetKind kind, CaptionCorpus captions, int perClass, Device device)
    {
        using var train = ImageDataset.Load(kind, DatasetSplit.Train, Data.PixelRange.MinusOneOne, device);
        using var generator = new Generator(3);
        return ImageSet.FromDataset(train, captions, generator, perClass);
    }

    private static Tensor GroupMask(Tensor labels, ConceptGroup group)
    {
        using var scope = Torch.NewDisposeScope();
        var member = Torch.FromArray(Enumerable.Range(0, group.Kind.NumClasses()).Select(group.Contains).ToArray(), device: labels.Device);
        return member.IndexSelect(0, labels).MoveToOuterScope();
    }

    private static Tensor ImagesOf(ImageDataset data, ConceptGroup group)
    {
        using var mask = GroupMask(data.Labels, group);
        return data.Images.Index(mask);
    }
}
