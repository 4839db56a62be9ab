using System.Diagnostics;
using System.Globalization;
using RandCond.Data;
using RandCond.Data.Attributes;
using RandCond.Distillation;
using RandCond.Plotting;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// compositional: paper Table 1 where D covers little of C. A teacher trained on captions naming a digit and its measured
/// thickness and slant generates D for a few (digit, thickness, slant) classes only; students from the teacher's weights
/// are distilled on D without and with random conditioning over all forty classes' captions, and every model is scored on
/// the classes D lacks and on those it holds (<see cref="CompositionalScorer"/>), all sampled from the same noise.
/// <see cref="Run"/> composes the public steps below, which notebook 09 calls one cell at a time.
/// </summary>
public static class CompositionalLab
{
    public const string Experiment = "compositional";

    /// <summary>The lab verb: runs the experiment, prints its table and reading, writes its record and table beside it.</summary>
    public static CompositionalResult Execute(CompositionalConfig config, TextWriter log)
    {
        var result = Run(config, log);
        var table = result.Table();
        log.WriteLine(table.ToText());
        log.WriteLine(result.Reading());
        var stem = Path.Combine(RepoPaths.ResultsFor(config.Scale), config.FileStem(config.Device.IsCuda));
        table.Save(stem + ".md");
        log.WriteLine($"-> {RecordedRuns.Write(stem + ".json", result)} ({result.Seconds / 60:F1} min)");
        return result;
    }

    /// <param name="progress">hears of D's generation, each distillation and each sampling; without it the log gets their lines</param>
    public static CompositionalResult Run(CompositionalConfig config, TextWriter log, IProgress<IProgressReport>? progress = null)
    {
        config.Validate();
        var clock = Stopwatch.StartNew();
        using var bench = Open(config, log);
        using var scorer = Scorer(bench, config);
        var corpus = bench.Preset.Corpus();
        log.WriteLine($"compositional captions, {config.Scale} scale on {RunRecord.DeviceName(config.Device)}: D holds {config.SeenClasses.Count} of the 40 " +
                      $"(digit, thickness, slant) classes; FD references: {scorer.TestImages.Unseen} test images of the classes D lacks, {scorer.TestImages.Seen} of those it holds");
        var plan = config.Sampling();
        var models = new List<CompositionalModel>();
        var (teacherImages, teacherLabels, _) = bench.Sample(bench.Teacher, plan, progress);
        using (teacherImages)
        using (teacherLabels)
            models.Add(ScoreTeacher(scorer, teacherImages, plan.PerClass, log));

        using var images = bench.Generate(config.ImageCaptions(corpus), config.Recipe(bench.Preset.GuidanceScale), progress);
        var data = new DistillationData(images, corpus);
        bool[] randomConditioning = [false, true];
        var arms = bench.Run(randomConditioning.Select(rc => Arm(config, data, rc)).ToList(), plan, progress, progress);
        try
        {
            for (int i = 0; i < arms.Count; i++) models.Add(ScoreStudent(scorer, config, randomConditioning[i], arms[i], plan.PerClass, log));
        }
        finally
        {
            foreach (var arm in arms) arm.Dispose();
        }
        return Result(config, bench, scorer, images, corpus, models, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The teacher's scores from its class-major samples of the 40 classes (<see cref="DistillationBench.Sample"/>), logged as a line.</summary>
    public static CompositionalModel ScoreTeacher(CompositionalScorer scorer, Tensor samples, int perClass, TextWriter log)
    {
        using var labels = ClassLabels(perClass, samples.Device);
        return Scored(scorer, TeacherModel, null, null, null, samples, labels, log);
    }

    /// <summary>A student's scores from the samples of its arm (<see cref="DistillationBench.Run"/>), with its p(t), steps, final loss and run, logged as a line.</summary>
    public static CompositionalModel ScoreStudent(CompositionalScorer scorer, CompositionalConfig config, bool randomConditioning, ArmResult arm,
        int perClass, TextWriter log)
    {
        var p = randomConditioning ? config.RcReplacement : ReplacementProbability.Off;
        using var labels = ClassLabels(perClass, arm.Samples.Device);
        var history = arm.Outcome.History;
        return Scored(scorer, StudentModel(randomConditioning), p.Name, arm.Outcome.Steps, history.Count > 0 ? history[^1].Total : null,
            arm.Samples, labels, log) with { RunId = arm.RunId };
    }

    /// <summary>The name of the teacher's row in the result.</summary>
    public const string TeacherModel = "teacher";

    /// <summary>The name of a student's row in the result: "student, RC" or "student, no RC".</summary>
    public static string StudentModel(bool randomConditioning) => randomConditioning ? "student, RC" : "student, no RC";

    /// <summary>The result of a run made now: the record header, the setup (D as generated, C, distillation, sampling) and every model's scores.</summary>
    public static CompositionalResult Result(CompositionalConfig config, DistillationBench bench, CompositionalScorer scorer, ImageSet images,
        CaptionCorpus corpus, IReadOnlyList<CompositionalModel> models, double seconds)
    {
        var plan = config.Sampling();
        var header = RunRecord.Header(Experiment, config.Device);
        string H(string field) => header[field]!.GetValue<string>();
        return new CompositionalResult
        {
            Experiment = Experiment, GitCommit = H("git_commit"), Device = H("device"), Libtorch = H("libtorch"), Dotnet = H("dotnet"),
            Command = H("command"), DateUtc = H("date_utc"), HostMemory = H("host_memory"), Blas = H("blas"),
            Scale = config.Scale, Teacher = Path.GetFileName(config.TeacherPath), Student = config.Student, Seed = config.Seed,
            CombinationsPerDigit = config.CombinationsPerDigit, SeenClasses = config.SeenClasses,
            ImageSet = $"{images.Images.Size(0)} teacher images of {config.SeenClasses.Count} classes: {config.Recipe(bench.Preset.GuidanceScale)}",
            TextCorpus = $"all {corpus.Count} compositional captions of the 40 classes",
            Distillation = $"{config.DistillSteps} steps of {config.BatchSize}, lr {config.LearningRate.ToString(CultureInfo.InvariantCulture)}" +
                           $"{(config.CosineDecay ? " (cosine decay)" : "")}, output + feature KD, {config.Student}",
            Sampling = $"{plan.PerClass} per class, DDIM {plan.Steps} steps, guidance {bench.Preset.GuidanceScale.ToString(CultureInfo.InvariantCulture)}",
            TestImagesSeen = scorer.TestImages.Seen, TestImagesUnseen = scorer.TestImages.Unseen,
            Models = models, Seconds = seconds, FastPaths = config.Paths.AsRun(),
        };
    }

    /// <summary>The bench of the experiment: the configured teacher, which must have learned the compositional captions.</summary>
    public static DistillationBench Open(CompositionalConfig config, TextWriter log)
    {
        var bench = DistillationBench.Open(Experiment, config.TeacherPath, config.Device, log, fastPaths: config.Paths);
        if (!bench.Preset.Compositional)
        {
            bench.Dispose();
            throw new ArgumentException($"Teacher: {config.TeacherPath} is a {bench.Preset.Name} teacher, not trained on compositional captions " +
                                        "(train one with: randcond-lab train-teacher --dataset mnist --size attribute-teacher)");
        }
        return bench;
    }

    /// <summary>The scorer of the configuration's split, with the committed attribute bins and the bench's classifier.</summary>
    public static CompositionalScorer Scorer(DistillationBench bench, CompositionalConfig config) =>
        new(bench.Classifier, AttributeBins.LoadCommitted(DatasetKind.Mnist), config.SeenClasses, config.Device);

    /// <summary>One arm: its run name, D and C, the student and the options with the arm's p(t).</summary>
    public static DistillationArm Arm(CompositionalConfig config, DistillationData data, bool randomConditioning) =>
        new(config.ArmName(randomConditioning), data, config.StudentSpec,
            config.Options(randomConditioning ? config.RcReplacement : ReplacementProbability.Off),
            new() { ["scale"] = config.Scale, ["combinations_per_digit"] = config.CombinationsPerDigit });

    /// <summary>The class of each sample of <see cref="DistillationBench.Sample"/>'s class-major order over the 40 classes.</summary>
    public static Tensor ClassLabels(int perClass, Device device)
    {
        using var classes = Torch.Arange(10 * AttributeCaptions.Combinations);
        using var labels = classes.RepeatInterleave(perClass, 0);
        return labels.To(device);
    }

    private static CompositionalModel Scored(CompositionalScorer scorer, string model, string? replacement, int? steps, double? finalLoss,
        Tensor images, Tensor labels, TextWriter log)
    {
        var (seen, unseen) = scorer.Score(images, labels);
        log.WriteLine($"  {model}: classes D lacks: FD {unseen.FrechetDistance:F2}, digit {unseen.DigitAccuracy:P1}, thickness {unseen.ThicknessAccuracy:P1}, " +
                      $"slant {unseen.SlantAccuracy:P1}, all three {unseen.AllThreeAccuracy:P1}; classes in D: FD {seen.FrechetDistance:F2}, all three {seen.AllThreeAccuracy:P1}");
        return new CompositionalModel(model, seen, unseen, replacement, steps, finalLoss);
    }
}
