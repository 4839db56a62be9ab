using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Diffusion.Training;
using RandCond.Metrics;
using RandCond.Plotting;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// train-teacher: trains a text-conditioned teacher (preset <see cref="TeacherPreset"/>) on a dataset with
/// every caption of its corpus, resumable from a checkpoint, and saves the EMA weights to <see cref="RepoPaths.TeachersOut"/>
/// (.cache/teachers; data/teachers with --record).
/// eval-teacher: samples every class with DDIM and guidance, and scores the samples with the domain classifier
/// (per-condition accuracy, FD against the test set next to the real-vs-real floor, Inception-style score).
/// </summary>
public static class TeacherLab
{
    /// <summary>
    /// The train-teacher verb: the preset of <paramref name="size"/>, with <paramref name="steps"/> and <paramref name="batch"/>
    /// (null: the preset's), at most <paramref name="budgetMinutes"/> (0: none), resumed from <paramref name="checkpoint"/>
    /// (null: .cache/checkpoints/PRESET.safetensors).
    /// </summary>
    public static int Train(DatasetKind kind, string size, Device device, TextWriter log, int? steps = null, int? batch = null,
        double budgetMinutes = 0, string? checkpoint = null)
    {
        var tokenizer = TeacherPreset.TokenizerFor(size);
        var preset = TeacherPreset.For(kind, tokenizer, size);
        var options = preset.Training with
        {
            Steps = steps ?? preset.Training.Steps, BatchSize = batch ?? preset.Training.BatchSize,
            TimeBudget = budgetMinutes > 0 ? TimeSpan.FromMinutes(budgetMinutes) : null,
        };
        checkpoint ??= RepoPaths.Cache("checkpoints", TrainingCheckpoint.FileName(preset.Name));
        var outPath = Path.Combine(RepoPaths.TeachersOut(), preset.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);

        using var data = ImageDataset.Load(kind, DatasetSplit.Train, Data.PixelRange.MinusOneOne, device);
        var corpus = preset.Corpus();
        using var labels = CaptionClassOf(preset, data);
        using var tokens = corpus.Encode(tokenizer, preset.MaxCaptionLength, device);
        using var nullTokens = tokenizer.NullTokens(1, preset.MaxCaptionLength, device);
        using var schedule = preset.Schedule();
        Torch.ManualSeed(options.Seed);
        using var model = new TextDiffusionModel(preset.Text, preset.UNet, device);
        using var ema = new TextDiffusionModel(preset.Text, preset.UNet, device);
        log.WriteLine($"{preset.Name}: {model.ParameterCount / 1e6:F2} M parameters, {model.UNet.Macs(28, 28, preset.MaxCaptionLength).Total / 1e6:F0} M MACs per image, {options.Steps} steps of {options.BatchSize} on {RunRecord.DeviceName(device)}; checkpoint {checkpoint}");
        var clock = Stopwatch.StartNew();
        double lastLoss = double.NaN;
        var curve = new JsonArray();
        int done = new DiffusionTrainer(options).Train(model, ema, schedule, data.Images, labels, corpus, tokens, nullTokens.Reshape(-1), checkpoint,
            new SynchronousProgress<DiffusionTrainingProgress>(p =>
            {
                lastLoss = p.Loss;
                curve.Add(new JsonObject { ["step"] = p.Step, ["loss"] = p.Loss, ["images_per_second"] = p.ImagesPerSecond });
                log.WriteLine($"  {p}");
            }));
        double seconds = clock.Elapsed.TotalSeconds;
        TeacherFile.Save(outPath, preset, ema, tokenizer, TeacherFile.Provenance(device, done, lastLoss, seconds));
        var json = RunRecord.Header("train-teacher", device);
        json["preset"] = preset.Name;
        json["parameters"] = model.ParameterCount;
        json["steps"] = done;
        json["steps_planned"] = options.Steps;
        json["batch_size"] = options.BatchSize;
        json["train_seconds_this_run"] = seconds;
        json["loss_curve"] = curve;
        json["checkpoint"] = Path.GetFileName(outPath);
        var resultPath = ResultFiles.Write(Path.Combine(RepoPaths.ResultsOut(), $"{preset.Size}-training-{kind.Slug()}.json"), json);
        log.WriteLine($"saved {outPath} ({new FileInfo(outPath).Length / 1e6:F1} MB); {resultPath}");
        return 0;
    }

    /// <summary>
    /// The class of the caption each training image is paired with: its digit or garment, or for a compositional teacher
    /// its digit and the combination of its own measured thickness and slant (<see cref="AttributeCaptions.Label"/>).
    /// </summary>
    public static Tensor CaptionClassOf(TeacherPreset preset, ImageDataset data)
    {
        if (!preset.Compositional) return data.Labels.Alias();
        using var combination = Data.Attributes.AttributeBins.LoadCommitted(data.Kind).Classify(data.Images, data.Labels, data.Range);
        using var digitBase = data.Labels * AttributeCaptions.Combinations;
        return digitBase + combination;
    }

    /// <summary>
    /// The eval-teacher verb: <paramref name="perClass"/> samples of every class in DDIM <paramref name="steps"/> steps at
    /// <paramref name="guidanceOverride"/> (null: the teacher's), from <paramref name="teacherPath"/> (null: the dataset's
    /// of <paramref name="size"/> in data/teachers), scored by <paramref name="classifierPath"/> (null: the dataset's in data/classifiers).
    /// </summary>
    public static int Evaluate(DatasetKind kind, Device device, TextWriter log, string size = "teacher", string? teacherPath = null,
        string? classifierPath = null, int perClass = 500, int steps = 50, double? guidanceOverride = null)
    {
        teacherPath ??= RepoPaths.Data("teachers", $"{kind.Slug()}-{size}.safetensors");
        classifierPath ??= RepoPaths.Data("classifiers", ClassifierLab.FileName(kind));

        var (teacher, tokenizer, preset, meta) = TeacherFile.Load(teacherPath, device);
        using var _ = teacher;
        double guidance = guidanceOverride ?? preset.GuidanceScale;
        var (classifier, info) = ClassifierCheckpoint.Load(classifierPath, device);
        using var __ = classifier;
        using var test = ImageDataset.Load(kind, DatasetSplit.Test, Data.PixelRange.MinusOneOne, device);
        using var train = ImageDataset.Load(kind, DatasetSplit.Train, Data.PixelRange.MinusOneOne, device);
        using var reference = FeatureStatistics.FromImages(classifier, test.Images);
        var evaluator = new SampleEvaluator(classifier, reference);

        // The floor: real training images, as many as samples, against the same test statistics (FD grows as N shrinks).
        long floorCount = (long)perClass * kind.NumClasses();
        using var floorImages = train.Images.Narrow(0, 0, floorCount);
        using var floorLabels = train.Labels.Narrow(0, 0, floorCount);
        var floor = evaluator.Evaluate(floorImages, floorLabels);

        var (samples, labels, imagesPerSecond) = Sample(teacher, tokenizer, preset, kind, perClass, steps, guidance, device, seed: 1234);
        using var s = samples;
        using var l = labels;
        using var digits = preset.Compositional ? AttributeCaptions.Digits(labels) : labels.Alias();
        var eval = evaluator.Evaluate(samples, digits);
        var folder = RepoPaths.ResultsOut();
        var gridPath = Path.Combine(folder, $"{preset.Size}-{kind.Slug()}-samples.png");
        SaveGrid(samples, perClass, preset.Corpus().ClassNames, gridPath, columns: 10);

        var json = RunRecord.Header("eval-teacher", device);
        json["teacher"] = Path.GetFileName(teacherPath);
        json["teacher_training"] = new JsonObject(meta.Where(kv => kv.Key != "vocabulary").Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        json["classifier_test_accuracy"] = info.TestAccuracy;
        json["sampler"] = $"DDIM {steps} steps, eta 0, guidance {guidance}";
        json["samples"] = eval.SampleCount;
        json["accuracy"] = eval.Accuracy?.Overall;
        json["accuracy_goal"] = kind == DatasetKind.Mnist ? ">= 0.98" : ">= 0.90";
        json["per_class_accuracy"] = new JsonArray(eval.Accuracy!.PerClass.Select(v => (JsonNode?)v).ToArray());
        if (preset.Compositional)
        {
            var (thickness, slant) = CompositionalScorer.AttributeAgreement(Data.Attributes.AttributeBins.LoadCommitted(kind), samples, labels);
            json["thickness_accuracy"] = thickness;
            json["slant_accuracy"] = slant;
            log.WriteLine($"attributes as asked: thickness {thickness:P1}, slant {slant:P1}");
        }
        json["fd_vs_test"] = eval.FrechetDistance;
        json["fd_floor_real_train_vs_test"] = floor.FrechetDistance;
        json["inception_score"] = eval.InceptionScore.Mean;
        json["inception_score_real"] = floor.InceptionScore.Mean;
        json["sampling_images_per_second"] = imagesPerSecond;
        json["parameters"] = teacher.ParameterCount;
        json["sample_grid"] = Path.GetFileName(gridPath);
        var resultPath = ResultFiles.Write(Path.Combine(folder, $"{preset.Size}-{kind.Slug()}.json"), json);
        log.WriteLine($"{kind.DisplayName()} {preset.Size}: accuracy {eval.Accuracy.Overall:P2}, FD {eval.FrechetDistance:F3} (real floor {floor.FrechetDistance:F3}), IS {eval.InceptionScore.Mean:F2}, {imagesPerSecond:F0} img/s -> {resultPath}");
        return 0;
    }

    /// <summary>perClass samples of every class of the teacher's corpus (<see cref="TeacherPreset.Corpus"/>), DDIM with guidance.</summary>
    public static (Tensor Images, Tensor Labels, double ImagesPerSecond) Sample(TextDiffusionModel model, WordTokenizer tokenizer, TeacherPreset preset,
        DatasetKind kind, int perClass, int steps, double guidance, Device device, ulong seed, int batch = 500)
    {
        if (preset.Dataset != kind) throw new ArgumentException($"the teacher {preset.Name} is a {preset.Dataset.DisplayName()} teacher, not {kind.DisplayName()}", nameof(kind));
        var corpus = preset.Corpus();
        using var schedule = preset.Schedule();
        using var tokens = corpus.Encode(tokenizer, preset.MaxCaptionLength, device);
        using var nullTokens = tokenizer.NullTokens(1, preset.MaxCaptionLength, device);
        using var nullRow = nullTokens.Reshape(-1);
        return ClassSampling.EveryClass(model, new DdimSampler(schedule, steps), corpus, tokens, nullRow, perClass, guidance, [1, 28, 28], device, seed, batch);
    }

    /// <summary>A PNG with one row per class (the first `columns` samples of each), labelled with <paramref name="classNames"/>.</summary>
    public static void SaveGrid(Tensor images, int perClass, IReadOnlyList<string> classNames, string path, int columns)
    {
        using var scope = Torch.NewDisposeScope();
        int classes = classNames.Count;
        var rows = Enumerable.Range(0, classes).Select(c => images.Narrow(0, (long)c * perClass, Math.Min(columns, perClass))).ToArray();
        var picked = Torch.Cat(rows).Cpu().Float();
        var grid = ImageGrid.FromPixels(picked.ToArray<float>(), (int)picked.Size(0), 1, 28, 28, Plotting.PixelRange.MinusOneToOne)
            .Columns(Math.Min(columns, perClass)).Upscale(2).Padding(2).RowLabels(classNames.ToArray());
        grid.SavePng(path);
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
