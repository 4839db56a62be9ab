using RandCond.Data;
using RandCond.Data.Attributes;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// fit-attribute-bins: measures the stroke thickness and slant of every MNIST training image, fits each digit's bins at
/// its medians, checks them on the test set (<see cref="AttributeBinReport"/>), and writes the bins that compositional
/// captions, D and the scorer share (data/attributes with --record, else .cache/attributes) with the report beside the records.
/// </summary>
public static class AttributeBinsLab
{
    public static AttributeBinReport Fit(Device device, TextWriter log)
    {
        using var train = ImageDataset.Load(DatasetKind.Mnist, DatasetSplit.Train, PixelRange.MinusOneOne, device);
        using var test = ImageDataset.Load(DatasetKind.Mnist, DatasetSplit.Test, PixelRange.MinusOneOne, device);
        var provenance = $"{RunRecord.Command()}; commit {RunRecord.Commit()}, {RunRecord.DeviceName(device)}"; // before the bins are rewritten
        var report = AttributeBinReport.Compute(train, test);
        var binsPath = Path.Combine(RepoPaths.AttributesOut(), Path.GetFileName(AttributeBins.CommittedFile(DatasetKind.Mnist)));
        report.Bins.Save(binsPath);
        var text = $"# Stroke-attribute bins of MNIST\n\n{provenance}, {DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}\n\n```\n{report.ToText()}\n```\n";
        var reportPath = Path.Combine(RepoPaths.ResultsOut(), "attribute-bins-mnist.md");
        Plotting.AtomicFile.WriteAllText(reportPath, text);
        log.WriteLine(report.ToText());
        log.WriteLine($"-> {binsPath}, {reportPath}");
        return report;
    }
}
