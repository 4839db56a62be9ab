using Microsoft.Data.Analysis;
using RandCond.Plotting;

namespace RandCond.Experiments;

/// <summary>One image of the preview batch: its student step t', the teacher step it stands for, and how far x'_t' is from the teacher's x there.</summary>
public sealed record SfddmPreviewRow(int Label, int StudentStep, int TeacherStep, double AlphaBar, double MaxAbsDifference);

/// <summary>
/// One batch of the SFDDM step (<see cref="SfddmBench.Preview"/>): the student's noised images x'_t' next to the teacher's
/// x at index(t') from the same images and noise (equal), and the batch's loss and its output and feature L1 terms.
/// </summary>
public sealed record SfddmStepPreview(int StudentSteps, IReadOnlyList<SfddmPreviewRow> Rows, double Loss, double OutputLoss, double FeatureLoss, ImageGrid Images)
{
    /// <summary>The largest |x'_t' - x_index(t')| over the batch (zero up to float rounding).</summary>
    public double MaxAbsDifference => Rows.Max(r => r.MaxAbsDifference);

    public DataFrame Table()
    {
        var table = DataFrames.Empty(("class", typeof(int)), ("student step t'", typeof(int)), ("teacher step", typeof(int)), ("ab", typeof(double)),
            ("max |x't' - x teacher|", typeof(double)));
        foreach (var r in Rows) table.AddRow(r.Label, r.StudentStep, r.TeacherStep, r.AlphaBar, r.MaxAbsDifference);
        return table.WithStyle(new TableStyle().Column("ab", "0.0000").Column("max |x't' - x teacher|", "0.0e+0")
            .WithCaption($"One SFDDM batch, T' = {StudentSteps}: loss {Loss:F4} = output L1 {OutputLoss:F4} + feature L1 {FeatureLoss:F4}"));
    }
}
