using System.Diagnostics;
using System.Globalization;
using RandCond.Data;
using RandCond.Distillation;
using RandCond.Plotting;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// The paper's ablations at our scale (<see cref="AblationStudy"/>), one study per call: a set of students distilled with
/// the shared per-arm routine (<see cref="DistillationBench"/>) in the setups of the held-out-digit and unseen-concept
/// labs. <see cref="Run(AblationConfig, TextWriter, IProgress{IProgressReport}?)"/> composes the public steps a notebook
/// runs cell by cell: <see cref="Open"/> the bench, <see cref="Generate"/> D, <see cref="Data"/> for each setting,
/// <see cref="Train"/> each student (<see cref="Arm"/> is what it distils, for a preview), <see cref="Result"/>, <see cref="Record"/>.
/// </summary>
public static class AblationsLab
{
    public const string Experiment = "ablations";

    /// <summary>Runs the whole study and writes its record; <paramref name="progress"/> hears each student's distillation in turn.</summary>
    public static AblationResult Run(AblationConfig config, TextWriter log, IProgress<IProgressReport>? progress = null)
    {
        var settings = config.Settings();
        var clock = Stopwatch.StartNew();
        using var bench = Open(config, log);
        log.WriteLine($"ablation {config.Study.Slug()}, {config.Scale.Name} scale on {RunRecord.DeviceName(config.Device)}: {config.Student.Label}, " +
                      $"{config.Group.Name} absent from D, {settings.Count} students");
        using var generated = Generate(bench, config);
        var (teacherScores, teacherSamples) = bench.Score("teacher", bench.Teacher, config.Sampling);
        teacherSamples.Dispose();
        var rows = new List<AblationRow>();
        var data = new List<AblationData>();
        try
        {
            foreach (var setting in settings) data.Add(Data(config, setting, generated));
            rows.AddRange(Train(bench, config, data, _ => progress));
        }
        finally
        {
            foreach (var d in data) d.Dispose();
        }
        var result = Result(config, bench, generated, teacherScores, rows, clock.Elapsed);
        var path = Record(config, result, log);
        log.WriteLine(result.Table().ToText());
        log.WriteLine($"-> {path} ({clock.Elapsed.TotalMinutes:F1} min)");
        return result;
    }

    /// <summary>The teacher of the study's dataset with the domain classifier that scores samples (and the excluded group alone, for the family-teacher study).</summary>
    public static DistillationBench Open(AblationConfig config, TextWriter log)
    {
        var bench = DistillationBench.Open(Experiment, config.TeacherPath, config.Device, log, config.Study == AblationStudy.FamilyTeacher ? config.Group : null,
            config.Paths);
        if (bench.Kind == config.Dataset) return bench;
        bench.Dispose();
        throw new ArgumentException($"the {config.Study.Slug()} study needs a {config.Dataset.DisplayName()} teacher; {config.TeacherPath} is another dataset's");
    }

    /// <summary>D: the teacher's images for every caption but the excluded group's, at the scale's images per class (cached in .cache/imagesets, shared with notebooks 03 and 05).</summary>
    public static ImageSet Generate(DistillationBench bench, AblationConfig config, IProgress<IProgressReport>? progress = null) =>
        bench.Generate(CaptionCorpus.Full(config.Dataset).Excluding(config.Group), config.Recipe(bench.Preset.GuidanceScale), progress);

    /// <summary>
    /// D and C of one setting (owned: dispose). D is the first n images of each class of <paramref name="generated"/> (a
    /// generated D is class-major, so smaller sets nest in larger ones). C is the full corpus, or a balanced subset of it
    /// that keeps every class; then D's images are re-paired with captions of their class from that subset, so that C
    /// holds D's captions.
    /// </summary>
    public static AblationData Data(AblationConfig config, AblationSetting setting, ImageSet generated)
    {
        var full = CaptionCorpus.Full(config.Dataset);
        var corpus = setting.CaptionCount is { } count ? BalancedCaptions.Subset(full, count) : full;
        var images = FirstPerClass(generated, setting.ImagesPerClass);
        if (setting.CaptionCount is null) return new AblationData(setting, images, corpus);
        using (images)
        {
            using var generator = new Generator(5);
            return new AblationData(setting, ImageSet.FromLabeledImages(images.Images, images.Labels, corpus.Excluding(config.Group), generator), corpus);
        }
    }

    private static ImageSet FirstPerClass(ImageSet set, int perClass)
    {
        using var scope = Torch.NewDisposeScope();
        var seen = new Dictionary<long, int>();
        var labels = set.Labels.Cpu().ToArray<long>();
        var keep = Enumerable.Range(0, labels.Length).Where(i => (seen[labels[i]] = seen.GetValueOrDefault(labels[i]) + 1) <= perClass).Select(i => (long)i).ToArray();
        var index = Torch.FromArray(keep, device: set.Device);
        return new ImageSet(set.Images.IndexSelect(0, index), set.CaptionIndices.IndexSelect(0, index), set.Captions);   // aliases: they outlive the scope
    }

    /// <summary>The setting's student to distil: its run name, D and C, the study's student and options with the setting's p(t).</summary>
    public static DistillationArm Arm(AblationConfig config, AblationData data)
    {
        var setting = data.Setting;
        var extra = new System.Text.Json.Nodes.JsonObject
        {
            ["study"] = config.Study.Slug(), ["scale"] = config.Scale.Name, ["excluded"] = config.Group.Name, ["images_per_class"] = setting.ImagesPerClass,
        };
        return new DistillationArm(RunName(config, setting), new DistillationData(data.Images, data.TextCorpus), config.Student,
                                   config.Options with { Replacement = setting.Replacement }, extra);
    }

    /// <summary>
    /// Distils each setting's student (its checkpoint in .cache/checkpoints: a rerun reuses a finished student), samples
    /// every class from the study's noise and scores the samples; one row per setting, in order. All settings go through
    /// the bench at once, so on CUDA the students train side by side, <see cref="DistillationBench.StudentsSideBySide"/> at
    /// a time. <paramref name="progress"/> gives what hears of a setting's distillation, <paramref name="samplingProgress"/>
    /// of its sampling.
    /// </summary>
    public static IReadOnlyList<AblationRow> Train(DistillationBench bench, AblationConfig config, IReadOnlyList<AblationData> data,
        Func<AblationSetting, IProgress<IProgressReport>?>? progress = null, Func<AblationSetting, IProgress<IProgressReport>?>? samplingProgress = null)
    {
        var arms = data.Select(d => Arm(config, d)).ToList();
        var settingOf = arms.Select((arm, i) => (arm, data[i].Setting)).ToDictionary(p => p.arm, p => p.Setting, ReferenceEqualityComparer.Instance);
        var results = bench.Run(arms, config.Sampling, arm => progress?.Invoke(settingOf[arm]), arm => samplingProgress?.Invoke(settingOf[arm]));
        try
        {
            return data.Select((d, i) => Row(config, d, results[i])).ToList();
        }
        finally
        {
            foreach (var r in results) r.Dispose();
        }
    }

    /// <summary>One setting's row from its student's distillation and scores.</summary>
    private static AblationRow Row(AblationConfig config, AblationData data, ArmResult result)
    {
        var setting = data.Setting;
        var scores = AblationScores.Of(result.Scores, config.Group);
        return new AblationRow
        {
            Arm = setting.Label, Replacement = setting.Replacement.Name, ReplacementMean = setting.Replacement.Mean(TeacherPreset.TimeSteps),
            ImagesPerClass = setting.ImagesPerClass, ImageSetSize = data.Images.Count, TextCorpusSize = data.TextCorpus.Count,
            Steps = result.Outcome.Steps, FinalLoss = result.Outcome.History.Count > 0 ? result.Outcome.History[^1].Total : null, RunId = result.RunId,
            Fd = scores.Fd, InceptionScore = scores.InceptionScore, Accuracy = scores.Accuracy, PerClassAccuracy = scores.PerClassAccuracy,
            ImagesPerSecond = scores.ImagesPerSecond, HeldOutAccuracy = scores.HeldOutAccuracy, SeenAccuracy = scores.SeenAccuracy,
            GroupFd = scores.GroupFd, GroupAccuracy = scores.GroupAccuracy,
        };
    }

    /// <summary>Named by configuration, not by study, so an identical student (e.g. sigmoid p(t) on the full D and C) is trained once and reused.</summary>
    private static string RunName(AblationConfig config, AblationSetting setting)
    {
        var spec = config.Student;
        var text = $"{config.Scale.Name}-{config.Dataset.Slug()}-without-{config.Group.Name}-{spec.Name}-{(spec.Init == StudentInit.Random ? "random" : "teacher")}-d{setting.ImagesPerClass}" +
                   $"-c{(setting.CaptionCount is { } k ? k.ToString(CultureInfo.InvariantCulture) + "-repaired" : "all")}-{setting.Replacement.Name}";
        return new string(text.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' ? ch : '-').ToArray());
    }

    /// <summary>The study's typed result: how it ran (setup, D, C, distillation, sampling, provenance), the teacher's scores and the students' rows.</summary>
    public static AblationResult Result(AblationConfig config, DistillationBench bench, ImageSet generated, ModelScores teacherScores,
                                        IReadOnlyList<AblationRow> rows, TimeSpan elapsed)
    {
        var (group, options, plan, recipe) = (config.Group, config.Options, config.Sampling, config.Recipe(bench.Preset.GuidanceScale));
        var full = CaptionCorpus.Full(config.Dataset);
        string study = config.Study.Slug(), device = RunRecord.DeviceName(config.Device), guidance = bench.Preset.GuidanceScale.ToString(CultureInfo.InvariantCulture);
        string setup = $"{config.Dataset.DisplayName()}, {group.Name} absent from D and present in C; {config.Student.Label}";
        return new AblationResult
        {
            Experiment = Experiment, GitCommit = RunRecord.Commit(), Device = device, Libtorch = Torch.Version, Dotnet = Environment.Version.ToString(),
            Command = RunRecord.Command(), DateUtc = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            HostMemory = RandCond.Tensors.HostMemory.Describe(), Blas = RandCond.Tensors.Blas.Describe(),
            Study = study, Scale = config.Scale.Name, ScaleNote = config.Scale.Note, Dataset = config.Dataset.Slug(), ExcludedGroup = group.Name,
            Teacher = Path.GetFileName(bench.TeacherPath), Student = config.Student.Label,
            ImageSet = $"{generated.Count} teacher images of every class but {group.Name}: {recipe}" +
                       (config.Study == AblationStudy.Images ? "; smaller D are its first n images of each class" : ""),
            TextCorpus = config.Study == AblationStudy.Captions
                ? $"balanced nested subsets of the {full.Count} captions (every class, {group.Name} included); D's images re-paired with captions of their class from each subset"
                : $"all {full.Count} captions ({group.Name} included)",
            CudaGraph = config.Paths.GraphedStep,
            FastPaths = config.Paths.AsRun(),
            Distillation = $"{options.Steps} steps of {options.BatchSize} ({(options.TimeBudget is { } limit ? $"time budget {limit.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min per student" : "no time budget")}), " +
                           $"lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)}, output + feature KD, seed {options.Seed}",
            Sampling = $"{plan.PerClass} per class, DDIM {plan.Steps} steps, guidance {guidance}, seed {plan.Seed}",
            TableCaption = $"Ablation {study}, {config.Scale.Name} scale ({device}): {setup}; {options.Steps} steps of {options.BatchSize}; " +
                           $"scores from {plan.PerClass} samples per class, DDIM {plan.Steps} steps, guidance {guidance}",
            TeacherScores = AblationScores.Of(teacherScores, group),
            Rows = rows,
            Seconds = elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Writes ablation-&lt;study&gt;-&lt;scale&gt;-&lt;cpu|cuda&gt;.{md,tex,html,png,json} to <see cref="RepoPaths.ResultsFor"/>
    /// (the figures where plotly.js and a browser are available); returns the record's path.
    /// </summary>
    public static string Record(AblationConfig config, AblationResult result, TextWriter log)
    {
        var stem = Path.Combine(RepoPaths.ResultsFor(result.Scale), $"ablation-{result.Study}-{result.Scale}-{(config.Device.IsCuda ? "cuda" : "cpu")}");
        var table = result.Table();
        var figure = result.Chart();
        table.Save(stem + ".md");
        table.Save(stem + ".tex");
        var html = OptionalFigure.Write(stem + ".html", path => figure.Export(path), log);
        var png = OptionalFigure.Write(stem + ".png", path => figure.Export(path, scale: 1), log);
        return (result with { TableFile = Path.GetFileName(stem + ".md"), FigureHtml = html, FigurePng = png }).Write(stem + ".json");
    }

    /// <summary>A grid of the first <paramref name="perClass"/> images of each class of D, one row per class, labeled by class.</summary>
    public static ImageGrid Grid(ImageSet set, int perClass)
    {
        using var sample = FirstPerClass(set, perClass);
        using var scope = Torch.NewDisposeScope();
        var pixels = sample.Images.Clamp(-1, 1).Cpu().Float();
        var labels = sample.Labels.Cpu().ToArray<long>();
        var kind = set.Captions.Kind;
        var rows = labels.Distinct().Select(l => kind.ClassNames()[(int)l]).ToArray();
        return ImageGrid.FromPixels(pixels.ToArray<float>(), (int)sample.Count, 1, 28, 28, Plotting.PixelRange.MinusOneToOne)
            .Columns(perClass).Upscale(2).Padding(2).RowLabels(rows);
    }
}

/// <summary>D and C of one setting of a study (D owned: dispose).</summary>
public sealed record AblationData(AblationSetting Setting, ImageSet Images, CaptionCorpus TextCorpus) : IDisposable
{
    public void Dispose() => Images.Dispose();

    public override string ToString() => $"{Setting.Label}: |D| = {Images.Count} images, |C| = {TextCorpus.Count} captions, p(t) {Setting.Replacement.Name}";
}
