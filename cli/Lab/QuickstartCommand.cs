using System.CommandLine;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`quickstart`: the toy overlap of Fig. 5 and teacher samples scored by the classifier (<see cref="QuickstartLab"/>).</summary>
public sealed class QuickstartCommand : LabCommand
{
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<int> samplesPerClass = new Option<int>("--samples-per-class")
        { Description = "Teacher samples of every digit", DefaultValueFactory = _ => 5 }.Positive();
    private readonly Option<int> steps = new Option<int>("--steps") { Description = "DDIM steps", DefaultValueFactory = _ => 25 }.Positive();

    public QuickstartCommand() : base("quickstart", "A first look: the toy overlap of Fig. 5, then MNIST teacher samples scored by the classifier")
    {
        AddOptions(device, samplesPerClass, steps);
    }

    protected override int Execute(ParseResult parsed, TextWriter log) =>
        QuickstartLab.Run(parsed.GetValue(device)!, parsed.GetValue(samplesPerClass), parsed.GetValue(steps), log);
}
