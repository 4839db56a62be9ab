using System.CommandLine;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`fit-attribute-bins`: the thickness and slant bins of MNIST's compositional captions (<see cref="AttributeBinsLab"/>).</summary>
public sealed class FitAttributeBinsCommand : LabCommand
{
    private readonly Option<Device> device = LabOptions.Device();

    public FitAttributeBinsCommand() : base("fit-attribute-bins",
        "Measure stroke thickness and slant on MNIST, fit each digit's bins at its medians, check them on the test set")
    {
        AddOptions(device);
    }

    protected override int Execute(ParseResult parsed, TextWriter log)
    {
        AttributeBinsLab.Fit(parsed.GetValue(device)!, log);
        return 0;
    }
}
