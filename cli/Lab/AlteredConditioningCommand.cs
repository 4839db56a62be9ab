using System.CommandLine;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`altered-conditioning`: paper Fig. 4 (<see cref="AlteredConditioningLab"/>), its options mapped onto an <see cref="AlteredConditioningConfig"/>.</summary>
public sealed class AlteredConditioningCommand : LabCommand<AlteredConditioningConfig>
{
    private readonly Option<string> scale = LabOptions.Scale("quick");
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<int> seed = new Option<int>("--seed") { Description = "Seed of the images and noise", DefaultValueFactory = _ => 0 }.InRange(0);

    public AlteredConditioningCommand() : base("altered-conditioning",
        "Paper Fig. 4: how often the teacher's denoising from x_t follows another caption swapped in at t")
    {
        AddOptions(scale, device, seed);
    }

    /// <summary>The device the parsed options run on.</summary>
    public Device DeviceOf(ParseResult parsed) => parsed.GetValue(device)!;

    public override AlteredConditioningConfig Config(ParseResult parsed) =>
        AlteredConditioningConfig.For(parsed.GetValue(scale)!) with { Seed = (ulong)parsed.GetValue(seed) };

    protected override int Execute(ParseResult parsed, TextWriter log) => AlteredConditioningLab.Execute(Config(parsed), DeviceOf(parsed), log);
}
