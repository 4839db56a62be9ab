using System.CommandLine;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`train-teacher`: a text- or label-conditioned teacher, resumable from its checkpoint (<see cref="TeacherLab.Train"/>).</summary>
public sealed class TrainTeacherCommand : LabCommand
{
    private readonly Option<string> dataset = LabOptions.Dataset();
    private readonly Option<string> size = new Option<string>("--size") { Description = "The teacher preset", DefaultValueFactory = _ => "teacher" }
        .AcceptOnlyFromAmong([.. TeacherPreset.Sizes]);
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<int?> steps = new Option<int?>("--steps") { Description = "Training steps (default: the preset's)" }.Positive();
    private readonly Option<int?> batch = new Option<int?>("--batch") { Description = "Batch size (default: the preset's)" }.Positive();
    private readonly Option<double> timeBudget = new Option<double>("--time-budget-min")
        { Description = "Wall-clock minutes, 0: none", DefaultValueFactory = _ => 0 }.InRange(0);
    private readonly Option<string?> checkpoint = new("--checkpoint")
    {
        Description = "The checkpoint to resume from and write (default: .cache/checkpoints/PRESET.safetensors)", HelpName = "path",
    };

    public TrainTeacherCommand() : base("train-teacher", "Train a teacher on every caption of its dataset; saves its EMA weights")
    {
        AddOptions(dataset, size, device, steps, batch, timeBudget, checkpoint);
    }

    protected override int Execute(ParseResult parsed, TextWriter log) =>
        TeacherLab.Train(LabOptions.DatasetNamed(parsed.GetValue(dataset)!), parsed.GetValue(size)!, parsed.GetValue(device)!, log, parsed.GetValue(steps), parsed.GetValue(batch),
            parsed.GetValue(timeBudget), parsed.GetValue(checkpoint));
}
