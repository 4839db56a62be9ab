using System.CommandLine;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`ablations`: paper Figs. 6-9 (<see cref="AblationsLab"/>), its options mapped onto an <see cref="AblationConfig"/>.</summary>
public sealed class AblationsCommand : LabCommand<AblationConfig>
{
    private readonly Option<string?> study = new Option<string?>("--study")
    {
        Description = "Which study: the p(t) families from random weights or from the teacher, the size of D, the number of captions",
    }.AcceptOnlyFromAmong([.. AblationStudies.All.Select(s => s.Slug())]);
    private readonly Option<string> scale = LabOptions.Scale("quick");
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<ReplacementProbability[]?> families = LabOptions.Parsed<ReplacementProbability[]?>("--families",
        $"The p(t) families compared, comma-separated (default: {string.Join(",", AblationConfig.DefaultFamilies.Select(f => f.Name))})",
        text => LabOptions.List(text, ReplacementProbability.Parse), null, "p,...");
    private readonly Option<int[]?> imageSizes = LabOptions.PositiveInts("--image-sizes", "Images per class in D, comma-separated")
        .PerScale(AblationConfig.For, c => c.ImageSizes);
    private readonly Option<int[]?> captionSizes = LabOptions.PositiveInts("--caption-sizes", "Captions per class in C, comma-separated")
        .PerScale(AblationConfig.For, c => c.CaptionSizes);
    private readonly Option<int?> heldOut = new Option<int?>("--held-out") { Description = "The digit D leaves out (MNIST studies)", HelpName = "0-9" }
        .InRange(0, 9).PerScale(AblationConfig.For, c => c.HeldOutDigit);
    private readonly Option<string?> exclude = new Option<string?>("--exclude") { Description = "The concept group D leaves out (family-teacher)", HelpName = "group" }
        .PerScale(AblationConfig.For, c => c.ExcludedGroup);
    private readonly Option<int?> steps = new Option<int?>("--steps") { Description = "Distillation steps per student (default, or 0: the scale's)" }.InRange(0);
    private readonly Option<double?> timeBudget = new Option<double?>("--time-budget-min") { Description = "Wall-clock minutes per student (default, or 0: the scale's)" }
        .InRange(0);
    private readonly Option<string?> teacher = LabOptions.TeacherFile("the study's in data/teachers");
    private readonly FastPathOptions fastPaths = new();

    public AblationsCommand() : base("ablations", "Paper Figs. 6-9: the p(t) family, the number of images in D and of captions in C")
    {
        AddOptions(study, scale, device, families, imageSizes, captionSizes, heldOut, exclude, steps, timeBudget, teacher);
        AddOptions([.. fastPaths.All]);
        Validators.Add(result =>
        {
            if (result.GetResult(study) is null)
                result.AddError($"--study is required: one of {string.Join(", ", AblationStudies.All.Select(s => s.Slug()))}");
        });
    }

    public override AblationConfig Config(ParseResult parsed)
    {
        var on = parsed.GetValue(device)!;
        var preset = AblationConfig.For(parsed.GetValue(scale)!);
        var config = preset with
        {
            Study = AblationStudies.Parse(parsed.GetValue(study)!),
            Device = on,
            Families = parsed.Given(families) ?? preset.Families,
            ImageSizes = parsed.Given(imageSizes) ?? preset.ImageSizes,
            CaptionSizes = parsed.Given(captionSizes) ?? preset.CaptionSizes,
            HeldOutDigit = parsed.GetValue(heldOut) ?? preset.HeldOutDigit,
            ExcludedGroup = parsed.GetValue(exclude) ?? preset.ExcludedGroup,
            Steps = parsed.GetValue(steps) is > 0 and var n ? n : null,
            TimeBudgetMinutes = parsed.GetValue(timeBudget) is > 0 and var m ? m : null,
            FastPaths = fastPaths.Paths(parsed, on),
            Teacher = parsed.GetValue(teacher),
        };
        _ = config.Settings();   // a bad size or group fails before the teacher loads
        return config;
    }

    protected override int Execute(ParseResult parsed, TextWriter log)
    {
        AblationsLab.Run(Config(parsed), log);
        return 0;
    }
}
