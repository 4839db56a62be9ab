using System.CommandLine;
using RandCond.Data;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`distillation-table`: paper Tables 1 and 2 (<see cref="DistillationTableLab"/>), its options mapped onto a <see cref="DistillationTableConfig"/>.</summary>
public sealed class DistillationTableCommand : LabCommand<DistillationTableConfig>
{
    private readonly Option<string> dataset = LabOptions.Dataset("fashion-mnist");
    private readonly Option<string> scale = LabOptions.Scale("quick");
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<string?> exclude = new("--exclude")
    {
        Description = "A concept group D leaves out (Table 2), e.g. footwear (default: none, Table 1)", HelpName = "group",
    };
    private readonly Option<StudentSpec[]?> students = LabOptions.Parsed<StudentSpec[]?>("--students",
        "The students, comma-separated (default: block-removed,block-removed-no-mid,block-removed-no-inner)",
        text => LabOptions.List(text, StudentSpec.Parse), null, "spec,...");
    private readonly Option<ImageSource[]?> sources = LabOptions.Parsed<ImageSource[]?>("--sources",
        "Where D comes from, comma-separated: generated (by the teacher), real (default: generated,real)",
        text => LabOptions.List(text, DistillationTableConfig.ParseSource), null, "generated,real");
    private readonly Option<int?> steps = new Option<int?>("--steps") { Description = "Distillation steps per student" }
        .Positive().PerScale(DistillationTableConfig.For, c => c.Sizes.DistillSteps);
    private readonly Option<double?> timeBudget = new Option<double?>("--time-budget-min") { Description = "Wall-clock minutes per student, 0: none" }
        .InRange(0).PerScale(DistillationTableConfig.For, c => c.Sizes.MinutesPerStudent);
    private readonly Option<string?> teacher = new("--teacher") { Description = "A teacher file (default: the dataset's in data/teachers)", HelpName = "path" };
    private readonly FastPathOptions fastPaths = new();

    public DistillationTableCommand() : base("distillation-table",
        "Paper Tables 1 and 2: students from the teacher distilled without and with random conditioning on generated or real D, scored by FD and IS")
    {
        AddOptions(dataset, scale, device, exclude, students, sources, steps, timeBudget, teacher);
        AddOptions([.. fastPaths.All]);
    }

    /// <summary>The device the parsed options run on.</summary>
    public Device DeviceOf(ParseResult parsed) => parsed.GetValue(device)!;

    public override DistillationTableConfig Config(ParseResult parsed)
    {
        var kind = LabOptions.DatasetNamed(parsed.GetValue(dataset)!);
        var preset = DistillationTableConfig.For(parsed.GetValue(scale)!);
        var config = preset with
        {
            Dataset = kind,
            Sizes = preset.Sizes with
            {
                MinutesPerStudent = parsed.GetValue(timeBudget) ?? preset.Sizes.MinutesPerStudent,
                DistillSteps = parsed.GetValue(steps) ?? preset.Sizes.DistillSteps,
            },
            Students = parsed.Given(students) ?? preset.Students,
            Sources = parsed.Given(sources) ?? preset.Sources,
            Excluded = parsed.GetValue(exclude) is { } group ? Named(kind, group) : null,
            TeacherPath = parsed.GetValue(teacher),
            FastPaths = fastPaths.Paths(parsed, DeviceOf(parsed)),
        };
        config.Validate();
        return config;
    }

    private static ConceptGroup Named(Data.DatasetKind kind, string group)
    {
        try
        {
            return ConceptGroups.Named(kind, group);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--exclude: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}");
        }
    }

    protected override int Execute(ParseResult parsed, TextWriter log)
    {
        DistillationTableLab.Execute(Config(parsed), DeviceOf(parsed), log);
        return 0;
    }
}
