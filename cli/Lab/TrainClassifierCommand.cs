using System.CommandLine;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`train-classifier`: the domain classifier that scores every sample (<see cref="ClassifierLab"/>).</summary>
public sealed class TrainClassifierCommand : LabCommand
{
    private readonly Option<string> dataset = LabOptions.Dataset();
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<int?> epochs = new Option<int?>("--epochs")
    {
        Description = $"Training epochs (default: mnist {ClassifierLab.DefaultEpochs(Data.DatasetKind.Mnist)}, fashion-mnist {ClassifierLab.DefaultEpochs(Data.DatasetKind.FashionMnist)})",
    }.Positive();

    public TrainClassifierCommand() : base("train-classifier", "Train the dataset's classifier and its test-set feature statistics (accuracy, FD, IS)")
    {
        AddOptions(dataset, device, epochs);
    }

    protected override int Execute(ParseResult parsed, TextWriter log)
    {
        var kind = LabOptions.DatasetNamed(parsed.GetValue(dataset)!);
        return ClassifierLab.Train(kind, parsed.GetValue(device)!, parsed.GetValue(epochs) ?? ClassifierLab.DefaultEpochs(kind), log);
    }
}
