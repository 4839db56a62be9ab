using System.CommandLine;
using RandCond.Distillation;
using RandCond.Experiments;

namespace RandCond.Cli.Lab;

/// <summary>`compositional`: paper Table 1 where D covers little of C (<see cref="CompositionalLab"/>), its options mapped onto a <see cref="CompositionalConfig"/>.</summary>
public sealed class CompositionalCommand : LabCommand<CompositionalConfig>
{
    private readonly Option<string> scale = LabOptions.Scale("quick");
    private readonly Option<Tensors.Device> device = LabOptions.Device();
    private readonly Option<string?> teacher = LabOptions.TeacherFile("the scale's compositional teacher in data/teachers");
    private readonly Option<int?> combinations = new Option<int?>("--combinations-per-digit") { Description = "How many of each digit's 4 attribute combinations D holds" }
        .InRange(1, 3).PerScale(CompositionalConfig.For, c => c.CombinationsPerDigit);
    private readonly Option<string?> student = new Option<string?>("--student") { Description = "The student's architecture:initialization" }
        .Checked(s => StudentSpec.Parse(s!)).PerScale(CompositionalConfig.For, c => c.Student);
    private readonly Option<string?> replacement = new Option<string?>("--replacement")
    {
        Description = "The RC student's p(t): sigmoid|exponential[:lambda]|linear|constant:p (default: exponential from the teacher's weights, sigmoid from random ones)",
    }.Checked(r => ReplacementProbability.Parse(r!));
    private readonly Option<int?> steps = new Option<int?>("--steps") { Description = "Distillation steps per student" }
        .Positive().PerScale(CompositionalConfig.For, c => c.DistillSteps);
    private readonly Option<int?> batch = new Option<int?>("--batch") { Description = "Batch size" }
        .Positive().PerScale(CompositionalConfig.For, c => c.BatchSize);
    private readonly Option<double?> lr = new Option<double?>("--lr") { Description = "Learning rate" }
        .Positive().PerScale(CompositionalConfig.For, c => c.LearningRate);
    private readonly Option<double?> timeBudget = new Option<double?>("--time-budget-min") { Description = "Wall-clock minutes per student, 0: none" }
        .InRange(0).PerScale(CompositionalConfig.For, c => c.TimeBudgetMinutes);
    private readonly Option<int?> imagesPerClass = new Option<int?>("--images-per-class") { Description = "Teacher images per class of D" }
        .Positive().PerScale(CompositionalConfig.For, c => c.ImagesPerClass);
    private readonly Option<int?> samplesPerClass = new Option<int?>("--samples-per-class") { Description = "Samples per class (of 40) each model draws for scoring" }
        .Positive().PerScale(CompositionalConfig.For, c => c.SamplesPerClass);
    private readonly Option<int?> seed = new Option<int?>("--seed") { Description = "Seed of the students' batches and random captions (D and the scoring noise stay fixed)" }
        .InRange(0).PerScale(CompositionalConfig.For, c => c.Seed);
    private readonly FastPathOptions fastPaths = new();

    public CompositionalCommand() : base("compositional",
        "Paper Table 1 where D covers little of C: captions name a digit, its thickness and slant; D holds a few combinations, students are scored on the rest")
    {
        AddOptions(scale, device, teacher, combinations, student, replacement, steps, batch, lr, timeBudget, imagesPerClass, samplesPerClass, seed);
        AddOptions([.. fastPaths.All]);
    }

    public override CompositionalConfig Config(ParseResult parsed)
    {
        var preset = CompositionalConfig.For(parsed.GetValue(scale)!);
        var on = parsed.GetValue(device)!;
        return (preset with
        {
            Device = on,
            Teacher = parsed.GetValue(teacher),
            CombinationsPerDigit = parsed.GetValue(combinations) ?? preset.CombinationsPerDigit,
            Student = parsed.GetValue(student) ?? preset.Student,
            Replacement = parsed.GetValue(replacement),
            DistillSteps = parsed.GetValue(steps) ?? preset.DistillSteps,
            BatchSize = parsed.GetValue(batch) ?? preset.BatchSize,
            LearningRate = parsed.GetValue(lr) ?? preset.LearningRate,
            TimeBudgetMinutes = parsed.GetValue(timeBudget) ?? preset.TimeBudgetMinutes,
            ImagesPerClass = parsed.GetValue(imagesPerClass) ?? preset.ImagesPerClass,
            SamplesPerClass = parsed.GetValue(samplesPerClass) ?? preset.SamplesPerClass,
            Seed = parsed.GetValue(seed) ?? preset.Seed,
            FastPaths = fastPaths.Paths(parsed, on),
        }).Validate();
    }

    protected override int Execute(ParseResult parsed, TextWriter log)
    {
        CompositionalLab.Execute(Config(parsed), log);
        return 0;
    }
}
