using System.CommandLine;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`eval-teacher`: samples every class and scores them with the classifier (<see cref="TeacherLab.Evaluate"/>).</summary>
public sealed class EvalTeacherCommand : LabCommand
{
    private readonly Option<string> dataset = LabOptions.Dataset();
    private readonly Option<string> size = new Option<string>("--size") { Description = "The teacher in data/teachers", DefaultValueFactory = _ => "teacher" }
        .AcceptOnlyFromAmong([.. TeacherPreset.Sizes]);
    private readonly Option<string?> teacher = LabOptions.TeacherFile();
    private readonly Option<string?> classifier = LabOptions.ClassifierFile();
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<int> samplesPerClass = new Option<int>("--samples-per-class")
        { Description = "Samples of every class", DefaultValueFactory = _ => 500 }.Positive();
    private readonly Option<int> steps = new Option<int>("--steps") { Description = "DDIM steps", DefaultValueFactory = _ => 50 }.Positive();
    private readonly Option<double?> guidance = new Option<double?>("--guidance") { Description = "Guidance scale (default: the teacher's)" }.InRange(0);

    public EvalTeacherCommand() : base("eval-teacher", "Sample every class of a teacher and score it: accuracy, FD against the test set, IS")
    {
        AddOptions(dataset, size, teacher, classifier, device, samplesPerClass, steps, guidance);
    }

    protected override int Execute(ParseResult parsed, TextWriter log) =>
        TeacherLab.Evaluate(LabOptions.DatasetNamed(parsed.GetValue(dataset)!), parsed.GetValue(device)!, log, parsed.GetValue(size)!, parsed.GetValue(teacher),
            parsed.GetValue(classifier), parsed.GetValue(samplesPerClass), parsed.GetValue(steps), parsed.GetValue(guidance));
}
