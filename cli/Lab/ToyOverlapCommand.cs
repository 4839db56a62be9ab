using System.CommandLine;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`toy-overlap`: paper Fig. 5, two conditions' noised distributions overlapping as t grows (<see cref="ToyOverlapLab"/>).</summary>
public sealed class ToyOverlapCommand : LabCommand
{
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<int> points = new Option<int>("--points")
        { Description = "Noised points drawn per condition for the figure", DefaultValueFactory = _ => 400 }.Positive();
    private readonly Option<int> seed = new Option<int>("--seed") { Description = "Seed of the drawn points", DefaultValueFactory = _ => 0 }.InRange(0);
    private readonly Option<bool?> png = LabOptions.Switch("--png", "Also export the figure as PNG (default: true)");

    public ToyOverlapCommand() : base("toy-overlap", "Paper Fig. 5: how much two conditions' noised distributions overlap at each t (closed form)")
    {
        AddOptions(device, points, seed, png);
    }

    protected override int Execute(ParseResult parsed, TextWriter log) =>
        ToyOverlapLab.Run(parsed.GetValue(device)!, parsed.GetValue(points), (ulong)parsed.GetValue(seed), parsed.GetValue(png) ?? true, log);
}
