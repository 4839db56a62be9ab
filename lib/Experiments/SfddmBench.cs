using System.Diagnostics;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation.Sfddm;
using RandCond.Metrics;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>How one student's distillation went: steps done (all of them when it came finished from its checkpoint), wall time, the loss curve (restored reports included).</summary>
public sealed record SfddmTraining(int StudentSteps, int Steps, double Seconds, IReadOnlyList<SfddmLossPoint> LossCurve, string CheckpointPath)
{
    public SfddmLossPoint? Last => LossCurve.Count > 0 ? LossCurve[^1] : null;
}

/// <summary>
/// The building blocks of the SFDDM experiment on one teacher, which <see cref="SfddmLab.Run"/> and notebook 07 compose:
/// the teacher and its schedule, the training images and captions, the classifier that scores samples and the
/// real-image floor; a student per T' (<see cref="NewStudent"/>), one batch of the SFDDM step (<see cref="Preview"/>),
/// distillation (<see cref="Distill"/>), sampling of student and teacher from the same noise (<see cref="Sample"/>) and
/// scoring (<see cref="Score"/>).
/// </summary>
public sealed class SfddmBench : IDisposable
{
    private readonly List<IDisposable> owned;

    private SfddmBench(SfddmConfig config, List<IDisposable> owned, TextDiffusionModel teacher, TeacherPreset preset, NoiseSchedule schedule,
                       ImageDataset train, CaptionCorpus corpus, Tensor captionTokens, Tensor nullTokens,
                       SampleEvaluator evaluator, double classifierTestAccuracy, SampleEvaluation floor)
    {
        Config = config;
        this.owned = owned;
        Teacher = teacher;
        Preset = preset;
        Schedule = schedule;
        Train = train;
        Corpus = corpus;
        CaptionTokens = captionTokens;
        NullTokens = nullTokens;
        Evaluator = evaluator;
        ClassifierTestAccuracy = classifierTestAccuracy;
        Floor = floor;
    }

    public SfddmConfig Config { get; }
    /// <summary>Frozen; in eval mode.</summary>
    public TextDiffusionModel Teacher { get; }
    public TeacherPreset Preset { get; }
    /// <summary>The teacher's T-step schedule.</summary>
    public NoiseSchedule Schedule { get; }
    /// <summary>Training images in [-1, 1] and their labels, on the device.</summary>
    public ImageDataset Train { get; }
    public CaptionCorpus Corpus { get; }
    /// <summary>Int64 (captions, L): the corpus tokenized.</summary>
    public Tensor CaptionTokens { get; }
    /// <summary>Int64 (L): the null caption.</summary>
    public Tensor NullTokens { get; }
    public SampleEvaluator Evaluator { get; }
    public double ClassifierTestAccuracy { get; }
    /// <summary>As many real training images as samples, scored against the test set: the FD a perfect generator reaches at this sample count.</summary>
    public SampleEvaluation Floor { get; }
    public double Guidance => Config.Guidance ?? Preset.GuidanceScale;
    public long[] ImageShape => Train.Images.Shape[1..];
    public int SampleCount => Config.SamplesPerClass * Config.Dataset.NumClasses();

    /// <summary>Loads the teacher, the classifier, the data and the caption corpus of <paramref name="config"/> (validated first).</summary>
    public static SfddmBench Open(SfddmConfig config)
    {
        config.Validate();
        var device = config.Device;
        var owned = new List<IDisposable>();
        T Own<T>(T item) where T : IDisposable
        {
            owned.Add(item);
            return item;
        }
        try
        {
            var (teacher, tokenizer, preset, _) = TeacherFile.Load(config.TeacherPath, device);
            Own(teacher);
            if (preset.Dataset != config.Dataset)
                throw new ArgumentException($"SfddmConfig.Teacher: {config.TeacherPath} is a {preset.Dataset.DisplayName()} teacher, but the run is on {config.Dataset.DisplayName()}");
            teacher.Eval();
            var (classifier, info) = ClassifierCheckpoint.Load(config.ClassifierPath, device);
            Own(classifier);
            var train = Own(ImageDataset.Load(config.Dataset, DatasetSplit.Train, Data.PixelRange.MinusOneOne, device));
            FeatureStatistics reference;
            using (var test = ImageDataset.Load(config.Dataset, DatasetSplit.Test, Data.PixelRange.MinusOneOne, device))
                reference = Own(FeatureStatistics.FromImages(classifier, test.Images));
            var evaluator = new SampleEvaluator(classifier, reference);
            var corpus = CaptionCorpus.Full(config.Dataset);
            var tokens = Own(corpus.Encode(tokenizer, preset.MaxCaptionLength, device));
            var nullTokens = Own(tokenizer.NullTokens(1, preset.MaxCaptionLength, device).Reshape(-1));
            var schedule = Own(preset.Schedule());
            long count = (long)config.SamplesPerClass * config.Dataset.NumClasses();
            SampleEvaluation floor;
            using (var floorImages = train.Images.Narrow(0, 0, count))
            using (var floorLabels = train.Labels.Narrow(0, 0, count))
                floor = evaluator.Evaluate(floorImages, floorLabels);
            return new SfddmBench(config, owned, teacher, preset, schedule, train, corpus, tokens, nullTokens, evaluator, info.TestAccuracy, floor);
        }
        catch
        {
            foreach (var item in Enumerable.Reverse(owned)) item.Dispose();
            throw;
        }
    }

    /// <summary>The student's schedule: the teacher's at the index list's T' steps (dispose it).</summary>
    public NoiseSchedule StudentSchedule(int studentSteps) => SfddmSchedule.Student(Schedule, studentSteps, Config.IndexList);

    /// <summary>A randomly initialized network of the teacher's architecture, seeded by (Seed, T') so a rerun starts from the same weights.</summary>
    public TextDiffusionModel NewStudent(int studentSteps)
    {
        Torch.ManualSeed(Config.Seed * 7919UL + (ulong)studentSteps);
        return new TextDiffusionModel(Preset.Text, Preset.UNet, Config.Device);
    }

    /// <summary>One batch of the SFDDM step for <paramref name="student"/>: one training image per class, t' spread over the student's steps.</summary>
    public SfddmStepPreview Preview(TextDiffusionModel student, int studentSteps, ulong seed = 0)
    {
        using var scope = Torch.NewDisposeScope();
        using var generator = new Generator(seed);
        using var studentSchedule = StudentSchedule(studentSteps);
        var device = Config.Device;
        int classes = Config.Dataset.NumClasses();
        var labels = Torch.Arange(classes).To(device);
        // The first training image of each class.
        var labelArray = Train.Labels.Cpu().ToArray<long>();
        var firsts = Enumerable.Range(0, classes).Select(c => (long)Array.IndexOf(labelArray, (long)c)).ToArray();
        var x0 = Train.Images.IndexSelect(0, Torch.FromArray(firsts).To(device));
        var tokens = CaptionTokens.IndexSelect(0, Corpus.SampleForLabels(labels, generator));
        var steps = Enumerable.Range(0, classes).Select(k => (long)Math.Round(k * (studentSteps - 1) / (double)Math.Max(1, classes - 1))).ToArray();
        var studentT = Torch.FromArray(steps).To(device);
        var eps = Torch.Randn(x0.Shape, generator).To(device);
        var teacherT = SfddmSchedule.TeacherSteps(studentSchedule, studentT);
        var studentX = ForwardProcess.QSample(studentSchedule, x0, studentT, eps);
        var teacherX = ForwardProcess.QSample(Schedule, x0, teacherT, eps);
        SfddmLossTerms loss;
        using (Torch.NoGrad())
            loss = SfddmLoss.Compute(student, Teacher, studentSchedule, x0, studentT, eps, tokens);
        var teacherSteps = teacherT.Cpu().ToArray<long>();
        float[] sx = studentX.Cpu().Float().ToArray<float>(), tx = teacherX.Cpu().Float().ToArray<float>();
        int size = sx.Length / classes;
        var rows = Enumerable.Range(0, classes).Select(i => new SfddmPreviewRow(
            i, (int)steps[i], (int)teacherSteps[i], studentSchedule.AlphaBar((int)steps[i]),
            Enumerable.Range(i * size, size).Max(j => Math.Abs(sx[j] - tx[j])))).ToArray();
        var pixels = x0.Cpu().Float().ToArray<float>().Concat(sx).Concat(tx).ToArray();
        var shape = ImageShape;
        var grid = Plotting.ImageGrid.FromPixels(pixels, 3 * classes, (int)shape[0], (int)shape[1], (int)shape[2], Plotting.PixelRange.MinusOneToOne)
            .Columns(classes).Upscale(2).Padding(2).RowLabels("x0", "student x't'", "teacher x at index(t')")
            .ColumnLabels(rows.Select(r => $"{r.StudentStep}->{r.TeacherStep}").ToArray());
        return new SfddmStepPreview(studentSteps, rows, loss.Total.Item(), loss.Output.Item(), loss.Feature.Item(), grid);
    }

    /// <summary>
    /// Distils the teacher into <paramref name="student"/> with T' steps (resuming from, and saving to, the config's
    /// checkpoint for this T'); the reports of earlier runs replayed from the checkpoint go to progress and into the curve,
    /// so the curve starts at the first report even when the student comes finished from the checkpoint.
    /// </summary>
    public SfddmTraining Distill(TextDiffusionModel student, int studentSteps, IProgress<IProgressReport>? progress = null, CancellationToken cancel = default)
    {
        var options = Config.OptionsFor(studentSteps);
        var curve = new List<SfddmLossPoint>();
        var clock = Stopwatch.StartNew();
        int done = new SfddmDistiller(options).Distill(Teacher, student, Schedule, Train.Images, Train.Labels, Corpus, CaptionTokens, NullTokens,
            new SynchronousProgress<SfddmProgress>(p =>
            {
                curve.Add(new SfddmLossPoint(p.Step, p.Loss, p.OutputLoss, p.FeatureLoss, p.ImagesPerSecond));
                progress?.Report(p);
            }), cancel);
        student.Eval();
        return new SfddmTraining(studentSteps, done, clock.Elapsed.TotalSeconds, curve, options.CheckpointPath!);
    }

    /// <summary>
    /// Samples every class with the student (DDIM over its T' steps) and with the teacher (DDIM over the same teacher
    /// steps), from the same noise and captions (SampleSeed), with the config's guidance and clip; each side's
    /// progress hears of its every denoising step.
    /// </summary>
    public SfddmSamples Sample(TextDiffusionModel student, int studentSteps, IProgress<IProgressReport>? studentProgress = null,
                               IProgress<IProgressReport>? teacherProgress = null)
    {
        using var studentSchedule = StudentSchedule(studentSteps);
        var device = Config.Device;
        int perClass = Config.SamplesPerClass;
        var (studentImages, labels, studentRate) = ClassSampling.EveryClass(student, SfddmSampling.Sampler(studentSchedule, clipX0: Config.ClipX0),
            Corpus, CaptionTokens, NullTokens, perClass, Guidance, ImageShape, device, Config.SampleSeed, progress: studentProgress);
        var teacherSampler = new DdimSampler(Schedule, studentSchedule.ParentIndices!, clipX0: Config.ClipX0);
        var (teacherImages, teacherLabels, teacherRate) = ClassSampling.EveryClass(Teacher, teacherSampler, Corpus, CaptionTokens, NullTokens,
            perClass, Guidance, ImageShape, device, Config.SampleSeed, progress: teacherProgress);
        teacherLabels.Dispose();
        return new SfddmSamples(studentSteps, studentImages, teacherImages, labels, studentRate, teacherRate, Config.Dataset, perClass);
    }

    /// <summary>The student's row of the result: its distillation and both sample sets' scores.</summary>
    public SfddmStudentRow Score(SfddmTraining training, SfddmSamples samples)
    {
        if (training.StudentSteps != samples.StudentSteps)
            throw new ArgumentException($"SfddmBench.Score: training of T' = {training.StudentSteps} but samples of T' = {samples.StudentSteps}");
        using var studentSchedule = StudentSchedule(training.StudentSteps);
        var last = training.Last;
        return new SfddmStudentRow
        {
            StudentSteps = training.StudentSteps,
            TeacherStepsFirstLast = [studentSchedule.ParentIndices![0], studentSchedule.ParentIndices![^1]],
            AlphaBarNoisiest = studentSchedule.AlphaBar(training.StudentSteps - 1),
            DistillationSteps = training.Steps,
            DistillationSecondsThisRun = training.Seconds,
            FinalLoss = last?.Loss, FinalOutputLoss = last?.OutputLoss, FinalFeatureLoss = last?.FeatureLoss,
            LossCurve = training.LossCurve,
            Student = SfddmScores.From(Evaluator.Evaluate(samples.Student, samples.Labels), samples.StudentImagesPerSecond),
            TeacherSameSteps = SfddmScores.From(Evaluator.Evaluate(samples.Teacher, samples.Labels), samples.TeacherImagesPerSecond),
            Checkpoint = Path.GetFileName(training.CheckpointPath),
        };
    }

    /// <summary>The typed record of this run with the given student rows.</summary>
    public SfddmResult Result(IReadOnlyList<SfddmStudentRow> students, string? sampleGrid = null)
    {
        var header = RunRecord.Header("sfddm", Config.Device);
        string Field(string name) => header[name]!.GetValue<string>();
        var options = Config.OptionsFor(Config.Students[0]);
        return new SfddmResult
        {
            GitCommit = Field("git_commit"), Device = Field("device"), Libtorch = Field("libtorch"), Dotnet = Field("dotnet"),
            Command = Field("command"), DateUtc = Field("date_utc"),
            DatasetSlug = Config.Dataset.Slug(), Scale = Config.Scale, Teacher = Path.GetFileName(Config.TeacherPath),
            ClassifierTestAccuracy = ClassifierTestAccuracy, IndexList = SfddmSchedule.Name(Config.IndexList),
            Options = new SfddmRecipe
            {
                Steps = options.Steps, BatchSize = options.BatchSize, LearningRate = options.LearningRate,
                LrSchedule = options.CosineDecay ? "cosine" : "constant", WarmupSteps = options.WarmupSteps,
                Optimizer = "Adam (AdamW, weight decay 0), no EMA", Loss = "mean|eps_S - eps_T| + mean|h_S - h_T| (h = out.hidden), 1:1",
                NullCaptionProbability = options.NullCaptionProbability, Seed = options.Seed,
                TimeBudgetMinPerStudent = Config.TimeBudgetMinutes > 0 ? Config.TimeBudgetMinutes : null, CudaGraph = options.CudaGraph,
            },
            Sampler = $"DDIM eta 0, guidance {Guidance}, {Config.SamplesPerClass} samples per class; the teacher over the students' teacher steps" +
                      $"; {SamplingClip.Describe(Config.ClipX0)}{(Config.ClipX0 is null ? "" : " on both sides")}",
            FdFloorRealTrainVsTest = Floor.FrechetDistance,
            SampleGrid = sampleGrid,
            Students = students,
        };
    }

    public void Dispose()
    {
        foreach (var item in Enumerable.Reverse(owned)) item.Dispose();
        owned.Clear();
    }
}
