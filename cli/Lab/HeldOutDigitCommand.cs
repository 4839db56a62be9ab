using System.CommandLine;
using RandCond.Distillation;
using RandCond.Experiments;

namespace RandCond.Cli.Lab;

/// <summary>`held-out-digit`: paper Fig. 2 (<see cref="HeldOutDigitLab"/>), its options mapped onto a <see cref="HeldOutDigitConfig"/>.</summary>
public sealed class HeldOutDigitCommand : LabCommand<HeldOutDigitConfig>
{
    private readonly Option<string> scale = LabOptions.Scale("quick");
    private readonly Option<int?> heldOut = new Option<int?>("--held-out") { Description = "The digit D leaves out", HelpName = "0-9" }
        .InRange(0, 9).PerScale(HeldOutDigitConfig.For, c => c.HeldOutDigit);
    private readonly Option<string?> conditioning = new Option<string?>("--conditioning")
        { Description = "The teacher's frozen text encoder, or its one-hot label MLP" }.AcceptOnlyFromAmong("text", "label")
        .PerScale(HeldOutDigitConfig.For, c => c.Conditioning);
    private readonly Option<Tensors.Device> device = LabOptions.Device();
    private readonly Option<string?> student = new Option<string?>("--student") { Description = "The student's architecture:initialization" }
        .Checked(s => StudentSpec.Parse(s!)).PerScale(HeldOutDigitConfig.For, c => c.Student);
    private readonly Option<string?> teacher = LabOptions.TeacherFile("the scale's in data/teachers");
    private readonly Option<string?> replacement = new Option<string?>("--replacement")
    {
        Description = "The RC student's p(t): sigmoid|exponential[:lambda]|linear|constant:p (default: sigmoid from random weights, exponential from the teacher's)",
    }.Checked(r => ReplacementProbability.Parse(r!));
    private readonly Option<int?> steps = new Option<int?>("--steps") { Description = "Distillation steps per student" }
        .Positive().PerScale(HeldOutDigitConfig.For, c => c.DistillSteps);
    private readonly Option<int?> batch = new Option<int?>("--batch") { Description = "Batch size" }
        .Positive().PerScale(HeldOutDigitConfig.For, c => c.BatchSize);
    private readonly Option<double?> lr = new Option<double?>("--lr") { Description = "Learning rate" }
        .Positive().PerScale(HeldOutDigitConfig.For, c => c.LearningRate);
    private readonly Option<string?> lrSchedule = new Option<string?>("--lr-schedule") { Description = "Constant rate, or cosine decay to zero after warm-up" }
        .AcceptOnlyFromAmong("constant", "cosine").PerScale(HeldOutDigitConfig.For, c => c.CosineDecay ? "cosine" : "constant");
    private readonly Option<double?> featureWeight = new Option<double?>("--feature-weight") { Description = "Weight of the feature-matching term" }
        .InRange(0).PerScale(HeldOutDigitConfig.For, c => c.FeatureWeight);
    private readonly Option<double?> timeBudget = new Option<double?>("--time-budget-min") { Description = "Wall-clock minutes per student, 0: none" }
        .InRange(0).PerScale(HeldOutDigitConfig.For, c => c.TimeBudgetMinutes);
    private readonly Option<int?> imagesPerDigit = new Option<int?>("--images-per-digit") { Description = "Teacher images per seen digit in D" }
        .Positive().PerScale(HeldOutDigitConfig.For, c => c.ImagesPerDigit);
    private readonly Option<int?> samplesPerDigit = new Option<int?>("--samples-per-digit") { Description = "Samples per digit each model draws for scoring" }
        .Positive().PerScale(HeldOutDigitConfig.For, c => c.SamplesPerDigit);
    private readonly FastPathOptions fastPaths = new();

    public HeldOutDigitCommand() : base("held-out-digit",
        "Paper Fig. 2: students distilled on teacher images without one digit, without and with random conditioning, scored on every digit")
    {
        AddOptions(scale, heldOut, conditioning, device, student, teacher, replacement, steps, batch, lr, lrSchedule, featureWeight, timeBudget,
            imagesPerDigit, samplesPerDigit);
        AddOptions([.. fastPaths.All]);
    }

    public override HeldOutDigitConfig Config(ParseResult parsed)
    {
        var preset = HeldOutDigitConfig.For(parsed.GetValue(scale)!);
        var on = parsed.GetValue(device)!;
        return (preset with
        {
            Device = on,
            HeldOutDigit = parsed.GetValue(heldOut) ?? preset.HeldOutDigit,
            Conditioning = parsed.GetValue(conditioning) ?? preset.Conditioning,
            Teacher = parsed.GetValue(teacher),
            Student = parsed.GetValue(student) ?? preset.Student,
            Replacement = parsed.GetValue(replacement),
            ImagesPerDigit = parsed.GetValue(imagesPerDigit) ?? preset.ImagesPerDigit,
            SamplesPerDigit = parsed.GetValue(samplesPerDigit) ?? preset.SamplesPerDigit,
            DistillSteps = parsed.GetValue(steps) ?? preset.DistillSteps,
            BatchSize = parsed.GetValue(batch) ?? preset.BatchSize,
            LearningRate = parsed.GetValue(lr) ?? preset.LearningRate,
            CosineDecay = parsed.GetValue(lrSchedule) is { } schedule ? schedule == "cosine" : preset.CosineDecay,
            FeatureWeight = parsed.GetValue(featureWeight) ?? preset.FeatureWeight,
            TimeBudgetMinutes = parsed.GetValue(timeBudget) ?? preset.TimeBudgetMinutes,
            FastPaths = fastPaths.Paths(parsed, on),
        }).Validate();
    }

    protected override int Execute(ParseResult parsed, TextWriter log)
    {
        HeldOutDigitLab.Run(Config(parsed), log);
        return 0;
    }
}
