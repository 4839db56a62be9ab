using Microsoft.Data.Analysis;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation.Sfddm;
using RandCond.Metrics;
using RandCond.Nn;
using RandCond.Plotting;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>The sizes of one scale of the SFDDM experiment.</summary>
public sealed record SfddmScale(string Name, string Students, int Steps, int BatchSize, double MinutesPerStudent, int SamplesPerClass,
                                double LearningRate = 2e-4, string TeacherSize = "teacher")
{
    /// <summary>Seconds on the CPU, for tests and notebooks' smoke runs.</summary>
    public static readonly SfddmScale Smoke = new("smoke", "5", 2, 4, 0, 2);

    /// <summary>
    /// Two CPU cores, under 10 minutes: the 0.9 M-parameter quick teacher (MNIST), 700 steps of 32 at a high constant rate
    /// (a cosine decay, --lr-schedule cosine, did no better). No time budget, so a busy machine changes the run's length, not its result.
    /// </summary>
    public static readonly SfddmScale Quick = new("quick", "10", 700, 32, 0, 10, LearningRate: 2e-3, TeacherSize: "quick-teacher");

    /// <summary>One H100/H200 in under 10 minutes for one student; pass --students for more (each gets the same budget).</summary>
    public static readonly SfddmScale Paper = new("paper", "10", 8000, 128, 6, 100);

    public static SfddmScale Named(string name) => name switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "paper" => Paper,
        _ => throw new ArgumentException($"unknown scale '{name}' (smoke, quick, paper)"),
    };
}

/// <summary>
/// sfddm: for each student step count T', distils the committed teacher into a randomly initialized student of its
/// architecture with SFDDM (resumable, one checkpoint per T'), samples it with DDIM over its T' steps and guidance,
/// and scores it with the domain classifier (FD against the test set, per-condition accuracy, Inception-style
/// score) next to the teacher sampled with DDIM over the same teacher steps index(0..T'-1), from the same noise and
/// captions. Writes results/sfddm-&lt;dataset&gt;-&lt;scale&gt;-&lt;device&gt;.json after every student, a table and a grid of
/// one sample per class and row.
/// </summary>
public static class SfddmLab
{
    public static int Run(LabArguments a, TextWriter log)
    {
        Execute(a, log);
        return 0;
    }

    public static (JsonObject Result, DataFrame Table, ImageGrid Samples) Execute(LabArguments a, TextWriter log)
    {
        var kind = a.Dataset();
        var device = a.Device();
        var scale = SfddmScale.Named(a.String("scale", "paper"));
        var teacherPath = a.String("teacher", RepoPaths.Data("teachers", $"{kind.Slug()}-{a.String("size", scale.TeacherSize)}.safetensors"));
        var classifierPath = a.String("classifier", RepoPaths.Data("classifiers", ClassifierLab.FileName(kind)));
        var studentSteps = ParseList(a.String("students", scale.Students));
        var list = SfddmSchedule.Parse(a.String("index-list", "ends-at-last"));
        double budget = a.Double("time-budget-min", scale.MinutesPerStudent);
        var template = new SfddmOptions
        {
            IndexList = list, Steps = a.Int("steps", scale.Steps), BatchSize = a.Int("batch", scale.BatchSize), LearningRate = a.Double("lr", scale.LearningRate),
            WarmupSteps = a.Int("warmup", 0), CosineDecay = LearningRateSchedule.ParseCosine(a.String("lr-schedule", "constant")),
            Seed = (ulong)a.Int("seed", 0), LogEvery = a.Int("log-every", Math.Min(100, scale.Steps)), CheckpointEvery = a.Int("checkpoint-every", 500),
            TimeBudget = budget > 0 ? TimeSpan.FromMinutes(budget) : null, CudaGraph = a.CudaGraph(device),
        };
        int perClass = a.Int("samples-per-class", scale.SamplesPerClass);
        double? guidanceOverride = a.Optional("guidance") is { } g ? double.Parse(g, CultureInfo.InvariantCulture) : null;
        double? clipX0 = SamplingClip.Parse(a);
        var checkpointDir = a.String("checkpoint-dir", RepoPaths.Cache("checkpoints"));
        a.CheckAllUsed();
        if (perClass < 1) throw new ArgumentException("--samples-per-class must be at least 1");

        var (teacher, tokenizer, preset, _) = TeacherFile.Load(teacherPath, device);
        using var _t = teacher;
        foreach (var steps in studentSteps)
            if (steps > TeacherPreset.TimeSteps) throw new ArgumentException($"--students: {steps} is more than the teacher's T = {TeacherPreset.TimeSteps}");
        double guidance = guidanceOverride ?? preset.GuidanceScale;
        var (classifier, info) = ClassifierCheckpoint.Load(classifierPath, device);
        using var _c = classifier;
        using var train = ImageDataset.Load(kind, DatasetSplit.Train, Data.PixelRange.MinusOneOne, device);
        using var test = ImageDataset.Load(kind, DatasetSplit.Test, Data.PixelRange.MinusOneOne, device);
        using var reference = FeatureStatistics.FromImages(classifier, test.Images);
        var evaluator = new SampleEvaluator(classifier, reference);
        var corpus = CaptionCorpus.Full(kind);
        using var tokens = corpus.Encode(tokenizer, preset.MaxCaptionLength, device);
        using var nullTokens = tokenizer.NullTokens(1, preset.MaxCaptionLength, device).Reshape(-1);
        using var schedule = preset.Schedule();
        long[] imageShape = train.Images.Shape[1..];

        // The floor: as many real training images as samples, against the same test statistics (FD grows as N shrinks).
        long count = (long)perClass * kind.NumClasses();
        using var floorImages = train.Images.Narrow(0, 0, count);
        using var floorLabels = train.Labels.Narrow(0, 0, count);
        var floor = evaluator.Evaluate(floorImages, floorLabels);

        var json = RunRecord.Header("sfddm", device);
        json["scale"] = scale.Name;
        json["teacher"] = Path.GetFileName(teacherPath);
        json["classifier_test_accuracy"] = info.TestAccuracy;
        json["index_list"] = SfddmSchedule.Name(list);
        json["options"] = new JsonObject
        {
            ["steps"] = template.Steps, ["batch_size"] = template.BatchSize, ["learning_rate"] = template.LearningRate,
            ["lr_schedule"] = template.CosineDecay ? "cosine" : "constant", ["warmup_steps"] = template.WarmupSteps,
            ["optimizer"] = "Adam (AdamW, weight decay 0), no EMA", ["loss"] = "mean|eps_S - eps_T| + mean|h_S - h_T| (h = out.hidden), 1:1",
            ["null_caption_probability"] = template.NullCaptionProbability, ["seed"] = template.Seed,
            ["time_budget_min_per_student"] = budget > 0 ? budget : null, ["cuda_graph"] = template.CudaGraph,
        };
        json["sampler"] = $"DDIM eta 0, guidance {guidance}, {perClass} samples per class; the teacher over the students' teacher steps" +
                          $"; {SamplingClip.Describe(clipX0)}{(clipX0 is null ? "" : " on both sides")}";
        json["fd_floor_real_train_vs_test"] = floor.FrechetDistance;
        var rows = new JsonArray();
        json["students"] = rows;
        var gridRows = new List<(string Label, float[] Pixels)>();
        var folder = RepoPaths.ResultsFor(scale.Name);
        // A run of other students than the scale's own is another record, not a replacement of it.
        var students = studentSteps.SequenceEqual(ParseList(scale.Students)) ? "" : "-t" + string.Join("-", studentSteps);
        var slug = $"sfddm-{kind.Slug()}-{scale.Name}{students}{SamplingClip.RecordTag(clipX0)}-{(device.IsCuda ? "cuda" : "cpu")}";
        var resultPath = Path.Combine(folder, slug + ".json");
        var gridPath = Path.Combine(folder, slug + "-samples.png");
        var table = DataFrames.Empty(("T'", typeof(int)), ("model", typeof(string)), ("FD", typeof(double)), ("accuracy", typeof(double)),
            ("IS", typeof(double)), ("distillation steps", typeof(int)), ("img/s", typeof(double)));
        table.WithStyle(new TableStyle().Column("FD", "0.00", Better.Lower).Column("accuracy", "0.0%", Better.Higher)
            .Column("IS", "0.00", Better.Higher).Column("distillation steps", "0").Column("img/s", "0").WithCaption($"SFDDM on {kind.DisplayName()}, {scale.Name} scale ({RunRecord.DeviceName(device)}): the student of T' steps against the teacher " +
                          $"with DDIM over the same teacher steps; {perClass} samples per class, guidance {guidance}; real-image floor FD {floor.FrechetDistance:F2}"));
        log.WriteLine($"SFDDM on {kind.DisplayName()}: teacher {teacher.ParameterCount / 1e6:F2} M parameters, students T' = {string.Join(", ", studentSteps)} " +
                      $"({SfddmSchedule.Name(list)}), {template.Steps} steps of {template.BatchSize} on {RunRecord.DeviceName(device)}");

        ImageGrid? samples = null;
        foreach (int steps in studentSteps)
        {
            var options = template with
            {
                StudentSteps = steps,
                CheckpointPath = Path.Combine(checkpointDir, $"sfddm-{Path.GetFileNameWithoutExtension(teacherPath)}-{scale.Name}-{SfddmSchedule.Name(list)}-{steps}.safetensors"),
            };
            var distiller = new SfddmDistiller(options);
            using var studentSchedule = distiller.StudentSchedule(schedule);
            Torch.ManualSeed(template.Seed * 7919UL + (ulong)steps);
            using var student = new Diffusion.TextDiffusionModel(preset.Text, preset.UNet, device);
            var curve = new JsonArray();
            SfddmProgress? last = null;
            log.WriteLine($"T' = {steps}: teacher steps {string.Join(", ", Ends(studentSchedule.ParentIndices!))}; checkpoint {options.CheckpointPath}");
            var clock = Stopwatch.StartNew();
            int done = distiller.Distill(teacher, student, schedule, train.Images, train.Labels, corpus, tokens, nullTokens,
                new SynchronousProgress<SfddmProgress>(p =>
                {
                    last = p;
                    curve.Add(new JsonObject
                    {
                        ["step"] = p.Step, ["loss"] = p.Loss, ["output_loss"] = p.OutputLoss, ["feature_loss"] = p.FeatureLoss,
                        ["images_per_second"] = p.ImagesPerSecond,
                    });
                    if (!p.Restored) log.WriteLine($"  {p}");
                }));
            double trainSeconds = clock.Elapsed.TotalSeconds;
            student.Eval();

            ulong sampleSeed = 1234;
            var (studentImages, labels, studentRate) = ClassSampling.EveryClass(student, SfddmSampling.Sampler(studentSchedule, clipX0: clipX0), corpus, tokens, nullTokens,
                perClass, guidance, imageShape, device, sampleSeed);
            using var si = studentImages;
            using var l = labels;
            var teacherSampler = new DdimSampler(schedule, studentSchedule.ParentIndices!, clipX0: clipX0);
            var (teacherImages, teacherLabels, teacherRate) = ClassSampling.EveryClass(teacher, teacherSampler, corpus, tokens, nullTokens,
                perClass, guidance, imageShape, device, sampleSeed);
            using var ti = teacherImages;
            using var tl = teacherLabels;
            var studentEval = evaluator.Evaluate(studentImages, labels);
            var teacherEval = evaluator.Evaluate(teacherImages, labels);

            rows.Add(new JsonObject
            {
                ["student_steps"] = steps,
                ["teacher_steps_first_last"] = new JsonArray(studentSchedule.ParentIndices![0], studentSchedule.ParentIndices![^1]),
                ["alpha_bar_noisiest"] = studentSchedule.AlphaBar(steps - 1),
                ["distillation_steps"] = done,
                ["distillation_seconds_this_run"] = trainSeconds,
                ["final_loss"] = last?.Loss, ["final_output_loss"] = last?.OutputLoss, ["final_feature_loss"] = last?.FeatureLoss,
                ["loss_curve"] = curve,
                ["student"] = Scores(studentEval, studentRate),
                ["teacher_same_steps"] = Scores(teacherEval, teacherRate),
                ["checkpoint"] = Path.GetFileName(options.CheckpointPath),
            });
            gridRows.Add(($"S {steps}", FirstOfEachClass(studentImages, perClass, kind)));
            gridRows.Add(($"T {steps}", FirstOfEachClass(teacherImages, perClass, kind)));
            samples = SaveGrid(gridRows, imageShape, kind.NumClasses(), gridPath);
            json["sample_grid"] = Path.GetFileName(gridPath);
            table.AddRow(steps, $"SFDDM student ({done} steps)", studentEval.FrechetDistance, studentEval.Accuracy!.Overall, studentEval.InceptionScore.Mean, done, studentRate);
            table.AddRow(steps, "teacher, DDIM", teacherEval.FrechetDistance, teacherEval.Accuracy!.Overall, teacherEval.InceptionScore.Mean, null, teacherRate);
            ResultFiles.Write(resultPath, json);
            table.Save(Path.Combine(folder, slug + ".md"));
            log.WriteLine($"  student T' = {steps}: accuracy {studentEval.Accuracy!.Overall:P2}, FD {studentEval.FrechetDistance:F3}; " +
                          $"teacher DDIM {steps}: accuracy {teacherEval.Accuracy!.Overall:P2}, FD {teacherEval.FrechetDistance:F3} (real floor {floor.FrechetDistance:F3})");
        }
        log.WriteLine($"-> {resultPath}, {gridPath}");
        return (json, table, samples!);
    }

    private static int[] ParseList(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = parts.Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out var v) && v >= 1
            ? v
            : throw new ArgumentException($"--students: '{p}' is not a positive step count (expected a list such as 100,50,20,10,5)")).ToArray();
        if (values.Length == 0) throw new ArgumentException("--students: no step counts given");
        return values;
    }

    private static string Ends(IReadOnlyList<int> indices) =>
        indices.Count <= 6 ? string.Join(", ", indices) : $"{indices[0]}, {indices[1]}, {indices[2]}, ..., {indices[^2]}, {indices[^1]}";

    private static JsonObject Scores(SampleEvaluation eval, double imagesPerSecond) => new()
    {
        ["accuracy"] = eval.Accuracy?.Overall,
        ["per_class_accuracy"] = new JsonArray(eval.Accuracy!.PerClass.Select(v => (JsonNode?)v).ToArray()),
        ["fd_vs_test"] = eval.FrechetDistance,
        ["inception_score"] = eval.InceptionScore.Mean,
        ["samples"] = eval.SampleCount,
        ["sampling_images_per_second"] = imagesPerSecond,
    };

    private static float[] FirstOfEachClass(Tensor images, int perClass, DatasetKind kind)
    {
        using var scope = Torch.NewDisposeScope();
        var picked = Torch.Cat(Enumerable.Range(0, kind.NumClasses()).Select(c => images.Narrow(0, (long)c * perClass, 1)).ToArray());
        return picked.Cpu().Float().ToArray<float>();
    }

    /// <summary>One row per student (S T') and per teacher at the same steps (T T'), one column per class.</summary>
    private static ImageGrid SaveGrid(List<(string Label, float[] Pixels)> rows, long[] imageShape, int classes, string path)
    {
        var pixels = rows.SelectMany(r => r.Pixels).ToArray();
        var grid = ImageGrid.FromPixels(pixels, rows.Count * classes, (int)imageShape[0], (int)imageShape[1], (int)imageShape[2], Plotting.PixelRange.MinusOneToOne)
            .Columns(classes).Upscale(2).Padding(2).RowLabels(rows.Select(r => r.Label).ToArray());
        grid.SavePng(path);
        return grid;
    }
}
