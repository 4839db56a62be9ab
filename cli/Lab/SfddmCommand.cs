using System.CommandLine;
using RandCond.Distillation.Sfddm;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`sfddm`: SFDDM students of T' steps distilled from the T = 1000 teacher (<see cref="SfddmLab"/>), its options mapped onto an <see cref="SfddmConfig"/>.</summary>
public sealed class SfddmCommand : LabCommand<SfddmConfig>
{
    private readonly Option<string> dataset = LabOptions.Dataset();
    private readonly Option<string> scale = LabOptions.Scale("paper");
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<int[]?> students = LabOptions.PositiveInts("--students", "The students' step counts T', comma-separated", TeacherPreset.TimeSteps)
        .PerScale(SfddmConfig.For, c => c.Students);
    private readonly Option<int?> steps = new Option<int?>("--steps") { Description = "Distillation steps per student" }
        .Positive().PerScale(SfddmConfig.For, c => c.Steps);
    private readonly Option<int?> batch = new Option<int?>("--batch") { Description = "Batch size" }
        .Positive().PerScale(SfddmConfig.For, c => c.BatchSize);
    private readonly Option<double?> lr = new Option<double?>("--lr") { Description = "Learning rate" }
        .Positive().PerScale(SfddmConfig.For, c => c.LearningRate);
    private readonly Option<string> lrSchedule = new Option<string>("--lr-schedule")
    {
        Description = "Constant rate, or cosine decay to zero after warm-up", DefaultValueFactory = _ => "constant",
    }.AcceptOnlyFromAmong("constant", "cosine");
    private readonly Option<int?> warmup = new Option<int?>("--warmup") { Description = "Warm-up steps" }
        .InRange(0).PerScale(SfddmConfig.For, c => c.WarmupSteps);
    private readonly Option<double?> timeBudget = new Option<double?>("--time-budget-min") { Description = "Wall-clock minutes per student, 0: none" }
        .InRange(0).PerScale(SfddmConfig.For, c => c.TimeBudgetMinutes);
    private readonly Option<bool?> cudaGraph = LabOptions.Switch("--cuda-graph", "Replay each training step as a CUDA graph (default: true on CUDA)");
    private readonly Option<int?> samplesPerClass = new Option<int?>("--samples-per-class") { Description = "Samples per class each model draws for scoring" }
        .Positive().PerScale(SfddmConfig.For, c => c.SamplesPerClass);
    private readonly Option<SfddmIndexList> indexList = LabOptions.Parsed("--index-list",
        "Which teacher steps the student's steps map to: ending at the last (t = 999) or leading", SfddmSchedule.Parse, "ends-at-last",
        "ends-at-last|leading");
    private readonly Option<double?> guidance = new Option<double?>("--guidance") { Description = "Guidance scale (default: the teacher's)" }.InRange(0);
    private readonly Option<string> clipX0 = LabOptions.ClipX0();
    private readonly Option<int?> seed = new Option<int?>("--seed") { Description = "Seed of the students' initialization and batches" }
        .InRange(0).PerScale(SfddmConfig.For, c => c.Seed);
    private readonly Option<string?> size = new Option<string?>("--size") { Description = "The teacher's size in data/teachers" }
        .AcceptOnlyFromAmong([.. TeacherPreset.Sizes]).PerScale(SfddmConfig.For, c => c.TeacherSize);
    private readonly Option<string?> teacher = LabOptions.TeacherFile();
    private readonly Option<string?> classifier = LabOptions.ClassifierFile();
    private readonly Option<string?> checkpointDir = new("--checkpoint-dir") { Description = "Where the students' checkpoints go (default: .cache/checkpoints)", HelpName = "dir" };
    private readonly Option<int?> logEvery = new Option<int?>("--log-every") { Description = "Steps between log lines (default: 100, or every step of a shorter run)" }
        .Positive();
    private readonly Option<int?> checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "Steps between checkpoints" }
        .Positive().PerScale(SfddmConfig.For, c => c.CheckpointEvery);

    public SfddmCommand() : base("sfddm", "SFDDM: students of T' steps distilled from the T = 1000 teacher, scored by FD and accuracy")
    {
        AddOptions(dataset, scale, device, students, steps, batch, lr, lrSchedule, warmup, timeBudget, cudaGraph, samplesPerClass, indexList,
            guidance, clipX0, seed, size, teacher, classifier, checkpointDir, logEvery, checkpointEvery);
    }

    public override SfddmConfig Config(ParseResult parsed)
    {
        var preset = SfddmConfig.For(parsed.GetValue(scale)!);
        var on = parsed.GetValue(device)!;
        return preset with
        {
            Dataset = LabOptions.DatasetNamed(parsed.GetValue(dataset)!), Device = on,
            Students = parsed.Given(students) ?? preset.Students,
            IndexList = parsed.GetValue(indexList),
            Steps = parsed.GetValue(steps) ?? preset.Steps,
            BatchSize = parsed.GetValue(batch) ?? preset.BatchSize,
            LearningRate = parsed.GetValue(lr) ?? preset.LearningRate,
            WarmupSteps = parsed.GetValue(warmup) ?? preset.WarmupSteps,
            CosineDecay = parsed.GetValue(lrSchedule) == "cosine",
            TimeBudgetMinutes = parsed.GetValue(timeBudget) ?? preset.TimeBudgetMinutes,
            CudaGraph = parsed.GetValue(cudaGraph) ?? on.IsCuda,
            Seed = (ulong)(parsed.GetValue(seed) ?? (int)preset.Seed),
            LogEvery = parsed.GetValue(logEvery),
            CheckpointEvery = parsed.GetValue(checkpointEvery) ?? preset.CheckpointEvery,
            SamplesPerClass = parsed.GetValue(samplesPerClass) ?? preset.SamplesPerClass,
            Guidance = parsed.GetValue(guidance),
            ClipX0 = LabOptions.ClipBound(parsed.GetValue(clipX0)!),
            Teacher = parsed.GetValue(teacher),
            TeacherSize = parsed.GetValue(size) ?? preset.TeacherSize,
            Classifier = parsed.GetValue(classifier),
            CheckpointDir = parsed.GetValue(checkpointDir),
        };
    }

    protected override int Execute(ParseResult parsed, TextWriter log)
    {
        SfddmLab.Run(Config(parsed), log);
        return 0;
    }
}
