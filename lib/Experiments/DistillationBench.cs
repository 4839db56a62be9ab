using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation;
using RandCond.Experiments.Runs;
using RandCond.Metrics;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>How a model's samples are drawn for scoring: per class, DDIM steps, and the seed (the same noise for every model).</summary>
public sealed record SamplingPlan(int PerClass, int Steps, ulong Seed);

/// <summary>The scores of one model's samples of every class, and of the scored group's classes alone where the bench has one.</summary>
public sealed record ModelScores(double FrechetDistance, double InceptionScore, double Accuracy, IReadOnlyList<double> PerClassAccuracy,
                                 double? GroupFrechetDistance, double? GroupAccuracy, double ImagesPerSecond)
{
    /// <summary>The mean per-class accuracy over the classes outside the group (the seen classes, when the group is absent from D).</summary>
    public double AccuracyOutside(ConceptGroup group) =>
        Enumerable.Range(0, PerClassAccuracy.Count).Where(c => !group.Contains(c)).Average(c => PerClassAccuracy[c]);
}

/// <summary>One student to distil: its run name (unique within the experiment: the checkpoint and run-store key), D and C, architecture and options.</summary>
public sealed record DistillationArm(string Name, DistillationData Data, StudentSpec Spec, DistillationOptions Options, JsonObject? Config = null);

/// <summary>What one arm produced: the student's scores, its distillation, its run-store id, its size, and its samples (owned: dispose).</summary>
public sealed record ArmResult(ModelScores Scores, DistillationOutcome Outcome, long RunId, long UNetParameters, long Macs, Tensor Samples) : IDisposable
{
    public void Dispose() => Samples.Dispose();
}

/// <summary>
/// What every distillation lab shares: the teacher, its tokenizer and preset, the domain classifier with the test set's
/// feature statistics (and a group's, to score a concept alone), the run store; and the per-arm routine: generate or
/// reuse D, distil one student with the given p(t), D and C (<see cref="StudentDistillation.Run"/>, resumable), sample
/// every class and score the samples (FD, Inception-style score, per-class accuracy), and record the scores in the run store.
/// D and the scored samples are drawn on the bench's <see cref="FastPaths"/>' sampling paths (on CUDA by default: one graph
/// per walk, bf16 weights, channels-last); the arms' options carry the step's paths.
/// </summary>
public sealed class DistillationBench : IDisposable
{
    private readonly TextWriter log;
    private readonly DomainClassifier classifier;
    private readonly FeatureStatistics reference;
    private readonly FeatureStatistics? groupReference;

    private DistillationBench(string experiment, TeacherPipeline pipeline, DomainClassifier classifier, FeatureStatistics reference,
        ConceptGroup? group, FeatureStatistics? groupReference, Device device, CudaFastPaths fastPaths, TextWriter log)
    {
        (Experiment, Pipeline, Group, Device, FastPaths, this.log) = (experiment, pipeline, group, device, fastPaths, log);
        (this.classifier, this.reference, this.groupReference) = (classifier, reference, groupReference);
        Store = RunStore.Default();
    }

    /// <param name="scoredGroup">a concept group whose samples are also scored alone (FD and accuracy against its test images), or null</param>
    /// <param name="fastPaths">how D and the scored samples are drawn; null: <see cref="CudaFastPaths.For"/> the device</param>
    public static DistillationBench Open(string experiment, string teacherPath, Device device, TextWriter log, ConceptGroup? scoredGroup = null,
        CudaFastPaths? fastPaths = null)
    {
        fastPaths = (fastPaths ?? CudaFastPaths.For(device)).Validate(device);
        var pipeline = TeacherFile.Load(teacherPath, device);
        var kind = pipeline.Dataset;
        if (scoredGroup is not null && scoredGroup.Kind != kind)
        {
            pipeline.Dispose();
            throw new ArgumentException($"the scored group {scoredGroup} is not of the teacher's dataset ({teacherPath}: {kind.DisplayName()})");
        }
        var (classifier, _) = ClassifierCheckpoint.Load(RepoPaths.Data("classifiers", ClassifierLab.FileName(kind)), device);
        using var test = ImageDataset.Load(kind, DatasetSplit.Test, Data.PixelRange.MinusOneOne, device);
        var reference = TestStatistics(classifier, test.Images, kind, "all");
        FeatureStatistics? groupReference = null;
        if (scoredGroup is not null)
        {
            using var mask = GroupMask(test.Labels, scoredGroup);
            using var images = test.Images.Index(mask);
            groupReference = TestStatistics(classifier, images, kind, scoredGroup.Name.Replace(' ', '-'));
        }
        return new DistillationBench(experiment, pipeline, classifier, reference, scoredGroup, groupReference, device, fastPaths, log);
    }

    public string Experiment { get; }
    /// <summary>The teacher with its tokenizer, configuration and file; the properties below are its parts.</summary>
    public TeacherPipeline Pipeline { get; }
    public string TeacherPath => Pipeline.Path;
    /// <summary>The SHA-256 of the teacher's file: part of the key of every cached D and student checkpoint.</summary>
    public string TeacherFingerprint => Pipeline.Fingerprint;
    public TextDiffusionModel Teacher => Pipeline.Model;
    public WordTokenizer Tokenizer => Pipeline.Tokenizer;
    public TeacherPreset Preset => Pipeline.Config;
    public DatasetKind Kind => Preset.Dataset;
    public ConceptGroup? Group { get; }
    public Device Device { get; }
    /// <summary>The paths D and the scored samples are drawn on (<see cref="CudaFastPaths.Sampling"/>); the step's come with each arm's options.</summary>
    public CudaFastPaths FastPaths { get; }
    public RunStore Store { get; }
    public long ContextLength => Preset.MaxCaptionLength;

    /// <summary>
    /// D generated by the teacher for the corpus' captions (cached in .cache/imagesets and reused by any run with the same
    /// teacher, captions and recipe). Progress goes to <paramref name="progress"/> when given, else as lines to the log.
    /// </summary>
    public ImageSet Generate(CaptionCorpus captions, ImageSetRecipe recipe, IProgress<IProgressReport>? progress = null)
    {
        using var schedule = Pipeline.Schedule();
        return GeneratedImageSet.Generate(Teacher, TeacherFingerprint, Tokenizer, Pipeline.CaptionLength, schedule,
            captions, recipe, RepoPaths.Cache("imagesets"), Device,
            progress ?? (IProgress<ImageSetProgress>)new SynchronousProgress<ImageSetProgress>(p => log.WriteLine($"  D: {p.Done}/{p.Total} images{(p.FromCache ? " (cached)" : $", {p.ImagesPerSecond:F0} img/s")}")),
            FastPaths.Sampling);
    }

    /// <summary>Real training images as D: the first <paramref name="perClass"/> of each class that has captions in the corpus.</summary>
    public ImageSet Real(CaptionCorpus captions, int perClass)
    {
        using var train = ImageDataset.Load(Kind, DatasetSplit.Train, Data.PixelRange.MinusOneOne, Device);
        using var generator = new Generator(3);
        return ImageSet.FromDataset(train, captions, generator, perClass);
    }

    /// <summary>The domain classifier that scores every sample (its features for FD, its logits for accuracy).</summary>
    public DomainClassifier Classifier => classifier;

    /// <summary>The dataset class (what the classifier reads) of each caption class of the teacher's corpus: the digit of a compositional class.</summary>
    public Tensor DatasetClasses(Tensor labels) => Preset.Compositional ? AttributeCaptions.Digits(labels) : labels.Alias();

    /// <summary>
    /// Samples every class with the model (captions from the full corpus, the preset's guidance; <paramref name="progress"/>
    /// hears of every denoising step) and scores the samples; returns the samples (class-major) too.
    /// </summary>
    public (ModelScores Scores, Tensor Samples) Score(string who, TextDiffusionModel model, SamplingPlan plan, IProgress<IProgressReport>? progress = null)
    {
        var (images, labels, rate) = Sample(model, plan, progress);
        try
        {
            using var _l = labels;
            using var classes = DatasetClasses(labels);
            var all = new SampleEvaluator(classifier, reference).Evaluate(images, classes);
            double? groupFd = null, groupAccuracy = null;
            if (Group is not null)
            {
                using var keep = GroupMask(classes, Group);
                using var gi = images.Index(keep);
                using var gl = classes.Index(keep);
                var group = new SampleEvaluator(classifier, groupReference!, inceptionSplits: 1).Evaluate(gi, gl);  // only its FD and accuracy are used
                (groupFd, groupAccuracy) = (group.FrechetDistance, group.Accuracy!.Overall);
            }
            var scores = new ModelScores(all.FrechetDistance, all.InceptionScore.Mean, all.Accuracy!.Overall, all.Accuracy.PerClass, groupFd, groupAccuracy, rate);
            log.WriteLine($"  {who}: FD {scores.FrechetDistance:F3}, IS {scores.InceptionScore:F2}, accuracy {scores.Accuracy:P1}" +
                          (Group is null ? "" : $", {Group.Name}: FD {groupFd:F3}, accuracy {groupAccuracy:P1}") + $" ({rate:F0} img/s)");
            return (scores, images);
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }

    /// <summary>
    /// perClass samples of every class (class-major), captions drawn from the teacher's full corpus (<see cref="TeacherPreset.Corpus"/>), DDIM over the plan's steps
    /// with the preset's guidance, from the plan's seed (the same noise for every model); returns images, labels, img/s.
    /// </summary>
    public (Tensor Images, Tensor Labels, double ImagesPerSecond) Sample(TextDiffusionModel model, SamplingPlan plan, IProgress<IProgressReport>? progress = null)
    {
        var corpus = Preset.Corpus();
        using var schedule = Pipeline.Schedule();
        using var tokens = Pipeline.Encode(corpus, Device);
        using var nullTokens = Pipeline.NullTokens(1, Device);
        using var nullRow = nullTokens.Reshape(-1);
        return ClassSampling.EveryClass(model, new DdimSampler(schedule, plan.Steps), corpus, tokens, nullRow, plan.PerClass, Preset.GuidanceScale,
            [1, 28, 28], Device, plan.Seed, progress: progress, paths: FastPaths.Sampling);
    }

    /// <summary>
    /// Distils the arm's student (resuming or reusing its checkpoint), scores it, records the scores in the run store, and
    /// disposes the student. <paramref name="progress"/> hears of the distillation (losses, replaced fraction, img/s, ETA),
    /// <paramref name="samplingProgress"/> of the sampling for the scores; without them the log gets their lines.
    /// </summary>
    public ArmResult Run(DistillationArm arm, SamplingPlan plan, IProgress<IProgressReport>? progress = null, IProgress<IProgressReport>? samplingProgress = null) =>
        RunOne(arm, plan, _ => progress, _ => samplingProgress);

    // The sampling progress is asked for when sampling starts, so a line made for it times the sampling alone.
    private ArmResult RunOne(DistillationArm arm, SamplingPlan plan, Func<DistillationArm, IProgress<IProgressReport>?> progress,
        Func<DistillationArm, IProgress<IProgressReport>?> samplingProgress)
    {
        var trained = StudentDistillation.Run(Experiment, arm.Name, Pipeline, arm.Data, arm.Spec, arm.Options, Device, Store, log, arm.Config, progress(arm));
        using var _s = trained.Student;
        return Score(arm, trained, plan, samplingProgress(arm));
    }

    /// <summary>How many students <see cref="Run(IReadOnlyList{DistillationArm}, SamplingPlan, IProgress{IProgressReport}?, IProgress{IProgressReport}?)"/>
    /// trains side by side: two, the number checked end to end in a paper-scale lab run (three and four students stepped
    /// together gain another 5 % per student step, docs/PERFORMANCE.md, "Lanes of their own", but no lab has run so).</summary>
    public const int StudentsSideBySide = 2;

    /// <summary>
    /// Every arm, each as <see cref="Run(DistillationArm, SamplingPlan, IProgress{IProgressReport}?, IProgress{IProgressReport}?)"/>
    /// does it; results in the arms' order. With <see cref="CudaFastPaths.ConcurrentStudents"/> the arms go in groups of
    /// <see cref="StudentsSideBySide"/>: a group's students train together, their steps side by side on the GPU
    /// (<see cref="Lockstep"/>; the log's progress lines then name their run; on the CPU they take turns), and are scored
    /// after; else one arm after the other. Each student's values are the same either way. <paramref name="progress"/> hears of every student's distillation.
    /// </summary>
    public IReadOnlyList<ArmResult> Run(IReadOnlyList<DistillationArm> arms, SamplingPlan plan, IProgress<IProgressReport>? progress = null,
        IProgress<IProgressReport>? samplingProgress = null) =>
        Run(arms, plan, _ => progress, _ => samplingProgress);

    /// <summary>
    /// Every arm, as the overload above does it, with a progress of each arm's own: <paramref name="progress"/> gives the
    /// one that hears of an arm's distillation, <paramref name="samplingProgress"/> of its sampling (a notebook passes a
    /// line per student from <see cref="ProgressLines"/>, so students that train side by side each keep a live line).
    /// </summary>
    public IReadOnlyList<ArmResult> Run(IReadOnlyList<DistillationArm> arms, SamplingPlan plan, Func<DistillationArm, IProgress<IProgressReport>?> progress,
        Func<DistillationArm, IProgress<IProgressReport>?>? samplingProgress = null)
    {
        samplingProgress ??= _ => null;
        var results = new List<ArmResult>();
        try
        {
            int group = FastPaths.ConcurrentStudents ? StudentsSideBySide : 1;
            foreach (var chunk in arms.Chunk(group))
            {
                // Arms of one name share a checkpoint (the second reuses what the first trained), so they never train together.
                if (chunk.DistinctBy(a => a.Name).Count() == chunk.Length && chunk.Length > 1) results.AddRange(RunTogether(chunk, plan, progress, samplingProgress));
                else results.AddRange(chunk.Select(arm => RunOne(arm, plan, progress, samplingProgress)));
            }
            return results;
        }
        catch
        {
            foreach (var r in results) r.Dispose();
            throw;
        }
    }

    private List<ArmResult> RunTogether(IReadOnlyList<DistillationArm> arms, SamplingPlan plan, Func<DistillationArm, IProgress<IProgressReport>?> progress,
        Func<DistillationArm, IProgress<IProgressReport>?> samplingProgress)
    {
        var runs = new List<StudentDistillationRun>();
        var results = new List<ArmResult>();
        try
        {
            foreach (var arm in arms)
                runs.Add(StudentDistillation.Start(Experiment, arm.Name, Pipeline, arm.Data, arm.Spec, arm.Options, Device, Store, log, arm.Config,
                    progress(arm), namedLines: true));
            Lockstep.Run(runs, Device);
            var trained = new List<(TextDiffusionModel Student, DistillationOutcome Outcome, long RunId)>();
            try
            {
                foreach (var run in runs) trained.Add(run.Finish());
                for (int i = 0; i < arms.Count; i++) results.Add(Score(arms[i], trained[i], plan, samplingProgress(arms[i])));
                return results;
            }
            finally
            {
                foreach (var t in trained) t.Student.Dispose();
            }
        }
        catch
        {
            foreach (var r in results) r.Dispose();
            throw;
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
        }
    }

    /// <summary>Scores a trained student (the caller's to dispose) and records the scores in the run store.</summary>
    private ArmResult Score(DistillationArm arm, (TextDiffusionModel Student, DistillationOutcome Outcome, long RunId) trained, SamplingPlan plan,
        IProgress<IProgressReport>? samplingProgress)
    {
        var (student, outcome, runId) = trained;
        var (scores, samples) = Score(arm.Name, student, plan, samplingProgress);
        var final = new Dictionary<string, double>
        {
            ["fd"] = scores.FrechetDistance, ["inception_score"] = scores.InceptionScore, ["accuracy"] = scores.Accuracy, ["steps"] = outcome.Steps,
        };
        for (int c = 0; c < scores.PerClassAccuracy.Count; c++) final[$"accuracy_class_{c}"] = scores.PerClassAccuracy[c];
        if (scores.GroupFrechetDistance is { } gfd) final["group_fd"] = gfd;
        if (scores.GroupAccuracy is { } ga) final["group_accuracy"] = ga;
        Store.Finish(runId, final);
        return new ArmResult(scores, outcome, runId, student.UNet.ParameterCount, student.UNet.Macs(28, 28, ContextLength).Total, samples);
    }

    /// <summary>
    /// One batch of the arm's distillation step without training (<see cref="DistillationPreview"/>): the student as its run
    /// starts (built from the teacher under the options' seed), the batch the run draws at <paramref name="step"/>.
    /// </summary>
    public DistillationPreview Preview(DistillationArm arm, int batchSize = 8, int step = 0) => Preview(arm.Data, arm.Spec, arm.Options, batchSize, step);

    /// <inheritdoc cref="Preview(DistillationArm, int, int)"/>
    public DistillationPreview Preview(DistillationData data, StudentSpec spec, DistillationOptions options, int batchSize = 8, int step = 0)
    {
        using var student = StudentDistillation.NewStudent(Teacher, spec, options, Device);
        using var corpusTokens = Pipeline.Encode(data.TextCorpus, Device);
        using var nullTokens = Pipeline.NullTokens(1, Device);
        using var nullRow = nullTokens.Reshape(-1);
        using var schedule = Pipeline.Schedule();
        return DistillationPreview.Run(Teacher, student, schedule, data, corpusTokens, nullRow, options, batchSize, step);
    }

    /// <summary>
    /// The arm's first batch through the distillation step's forward pass twice, in float32 and under BFloat16 autocast,
    /// from the student the run starts with (<see cref="Preview(DistillationArm, int, int)"/>, no weight changed): how
    /// far the bf16 step's losses are from float32's where training begins. Log it beside a bf16 run.
    /// </summary>
    /// <param name="batchSize">images in the batch; null: the arm's batch size</param>
    public StepPrecisionCheck CheckStepPrecision(DistillationArm arm, int? batchSize = null)
    {
        var options = arm.Options with { CudaGraph = false };
        int size = batchSize ?? options.BatchSize;
        var float32 = Preview(arm.Data, arm.Spec, options with { Autocast = null }, size);
        var bf16 = Preview(arm.Data, arm.Spec, options with { Autocast = DType.BFloat16 }, size);
        return StepPrecisionCheck.Of(arm.Name, size, float32, bf16);
    }

    /// <summary>
    /// Feature statistics of test images: the committed data/classifiers/&lt;dataset&gt;-test-features.safetensors for the whole
    /// test set when the committed classifier made it, else computed once and cached in .cache/reference-statistics.
    /// </summary>
    private static FeatureStatistics TestStatistics(DomainClassifier classifier, Tensor images, DatasetKind kind, string subset)
    {
        var committed = RepoPaths.Data("classifiers", ClassifierLab.StatisticsFileName(kind));
        if (subset == "all" && File.Exists(committed))
        {
            var stats = FeatureStatistics.Load(committed);
            if (stats.ClassifierFingerprint == ClassifierFingerprints.Of(classifier) && stats.Count == images.Size(0)) return stats;
            stats.Dispose();
        }
        var cached = RepoPaths.Cache("reference-statistics", $"{kind.Slug()}-test-{subset}.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        return FeatureStatistics.LoadOrCompute(cached, classifier, images);
    }

    /// <summary>Bool (N): whether each label is one of the group's classes.</summary>
    public static Tensor GroupMask(Tensor labels, ConceptGroup group)
    {
        using var scope = Torch.NewDisposeScope();
        var member = Torch.FromArray(Enumerable.Range(0, group.Kind.NumClasses()).Select(group.Contains).ToArray(), device: labels.Device);
        return member.IndexSelect(0, labels).MoveToOuterScope();
    }

    public void Dispose()
    {
        Store.Dispose();
        groupReference?.Dispose();
        reference.Dispose();
        classifier.Dispose();
        Pipeline.Dispose();
    }
}
