using Microsoft.Data.Analysis;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Plotting;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// One sample of a previewed batch: its step t and p(t), whether its caption was replaced by a random one of C (and
/// then dropped to the null caption), its own and the used caption, and the mean squared gap between the student's and
/// the teacher's noise predictions on it.
/// </summary>
public sealed record PreviewSample(int T, double ReplacementProbability, bool Replaced, bool Dropped, string OriginalCaption, string UsedCaption,
                                   double StudentTeacherMse);

/// <summary>
/// One batch of the random-conditioning distillation step, drawn and computed by the code the training step runs
/// (<see cref="DistillationBatches"/>, <see cref="DistillationForwardPass"/>) but without updating any weight: per sample
/// t, x_t, the captions and the teacher's and student's noise predictions, and the batch's loss terms. The batch of
/// <c>step</c> is the one a run with these options draws at that step (at <c>batchSize</c> images).
/// </summary>
public sealed class DistillationPreview
{
    private readonly float[] xt, teacherEps, studentEps;   // (B, C, H, W) row-major, float32

    private DistillationPreview(IReadOnlyList<PreviewSample> samples, int[] shape, float[] xt, float[] teacherEps, float[] studentEps,
                                double total, double output, double feature, double task)
    {
        (Samples, Channels, Height, Width) = (samples, shape[0], shape[1], shape[2]);
        (this.xt, this.teacherEps, this.studentEps) = (xt, teacherEps, studentEps);
        (Total, Output, Feature, Task) = (total, output, feature, task);
    }

    public IReadOnlyList<PreviewSample> Samples { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>The batch's loss terms as the training step computes them (weighted total; output KD, feature KD, task).</summary>
    public double Total { get; }
    public double Output { get; }
    public double Feature { get; }
    public double Task { get; }

    /// <summary>The fraction of the batch whose caption was replaced.</summary>
    public double ReplacedFraction => Samples.Count(s => s.Replaced) / (double)Samples.Count;

    /// <param name="student">left as it was: run in training mode for the step, its mode restored, no weight changed</param>
    /// <param name="corpusTokens">Int64 (|C|, L): C's captions tokenized with the teacher's tokenizer, on the training device</param>
    /// <param name="nullTokens">Int64 (L): the null caption</param>
    /// <param name="step">whose batch to draw: the batch a run with these options draws at this step</param>
    public static DistillationPreview Run(TextDiffusionModel teacher, DistillationStudent student, NoiseSchedule schedule, DistillationData data,
        Tensor corpusTokens, Tensor nullTokens, DistillationOptions options, int batchSize = 8, int step = 0)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "the step whose batch to preview must not be negative");
        using var batches = new DistillationBatches(data, schedule, corpusTokens, nullTokens, options);
        using var pass = new DistillationForwardPass(teacher, student, options);
        bool wasTraining = student.Training, teacherTraining = teacher.Training;
        teacher.Eval();
        student.Train();
        try
        {
            using var scope = Torch.NewDisposeScope();
            using var noGrad = Torch.NoGrad();
            var batch = batches.Draw(step, batchSize);
            var forward = pass.Run(batch.Xt, batch.T, batch.Conditions, batch.Noise, batch.Kept);
            var studentEps = forward.StudentEps.Float();
            var teacherEps = forward.TeacherEps.Float();
            var mse = (studentEps - teacherEps).Square().Mean([1, 2, 3]);
            var t = ToArray<long>(batch.T);
            var replaced = Flags(batch.Drawn.Replaced);
            var dropped = Flags(batch.Drawn.Dropped);
            var perSample = ToArray<float>(mse);
            var original = data.TextCorpus.CaptionsAt(batch.OwnConditions);
            var used = data.TextCorpus.CaptionsAt(batch.Drawn.Indices.Cpu());
            var samples = Enumerable.Range(0, batchSize).Select(i => new PreviewSample((int)t[i], options.Replacement.At((int)t[i], schedule.Steps),
                replaced[i], dropped[i], original[i], dropped[i] ? "(null caption)" : used[i], perSample[i])).ToArray();
            var shape = batch.Xt.Shape.Skip(1).Select(d => (int)d).ToArray();
            return new DistillationPreview(samples, shape, ToArray<float>(batch.Xt.Float()), ToArray<float>(teacherEps), ToArray<float>(studentEps),
                Item(forward.Terms.Total), Item(forward.Terms.Output), Item(forward.Terms.Feature), Item(forward.Terms.Task));
        }
        finally
        {
            pass.ClearFeatures();
            student.Train(wasTraining);
            teacher.Train(teacherTraining);
        }
    }

    private static T[] ToArray<T>(Tensor tensor) where T : unmanaged
    {
        using var host = tensor.Contiguous().Cpu();
        return host.ToArray<T>();
    }

    private static bool[] Flags(Tensor mask)
    {
        using var asFloat = mask.To(DType.Float32);
        return ToArray<float>(asFloat).Select(v => v != 0).ToArray();
    }

    private static double Item(Tensor scalar)
    {
        using var host = scalar.Float().Cpu();
        return host.ToArray<float>()[0];
    }

    /// <summary>One row per sample: t, p(t), replaced, dropped, its own caption, the caption used, MSE(eps_S, eps_T).</summary>
    public DataFrame Table()
    {
        var frame = DataFrames.Empty(("sample", typeof(int)), ("t", typeof(int)), ("p(t)", typeof(double)), ("replaced", typeof(bool)),
            ("dropped", typeof(bool)), ("caption", typeof(string)), ("used caption", typeof(string)), ("MSE(eps_S, eps_T)", typeof(double)));
        for (int i = 0; i < Samples.Count; i++)
        {
            var s = Samples[i];
            frame.AddRow(i, s.T, s.ReplacementProbability, s.Replaced, s.Dropped, s.OriginalCaption, s.UsedCaption, s.StudentTeacherMse);
        }
        return frame;
    }

    /// <summary>
    /// Three rows of the batch: x_t (clamped to [-1, 1]), the teacher's and the student's noise predictions (shown over
    /// [-2, 2], two standard deviations of the noise); a column per sample, labelled with t and R where the caption was replaced.
    /// </summary>
    public ImageGrid Grid(int upscale = 2)
    {
        int n = Samples.Count;
        var pixels = xt.Concat(teacherEps.Select(v => v / 2)).Concat(studentEps.Select(v => v / 2)).ToArray();
        return ImageGrid.FromPixels(pixels, 3 * n, Channels, Height, Width, Plotting.PixelRange.MinusOneToOne)
            .Columns(n).Upscale(upscale).Padding(2)
            .RowLabels("x_t", "eps_T", "eps_S")
            .ColumnLabels(Samples.Select(s => $"t={s.T}{(s.Replaced ? " R" : "")}").ToArray());
    }

    public override string ToString() => FormattableString.Invariant(
        $"DistillationPreview({Samples.Count} samples, {ReplacedFraction:P0} replaced; loss {Total:G4} = output {Output:G4}, feature {Feature:G4}, task {Task:G4})");
}
