using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>Weights of the loss terms; the published recipe is output 1, feature 1, task 0 (off).</summary>
public sealed record LossWeights(double Output = 1, double Feature = 1, double Task = 0);

/// <summary>The terms of one step's loss, each a scalar tensor (Task is zero when its weight is 0 or no caption was kept).</summary>
public sealed record DistillationLossTerms(Tensor Total, Tensor Output, Tensor Feature, Tensor Task) : IDisposable
{
    public void Dispose()
    {
        Total.Dispose();
        Output.Dispose();
        Feature.Dispose();
        Task.Dispose();
    }
}

/// <summary>
/// Random conditioning's loss: <c>MSE(eps_S, eps_T)</c> + sum over matched blocks of <c>MSE(P(f_S), f_T)</c> (each a
/// mean over elements; summed over blocks, not averaged, as in the published code) + an optional task term
/// <c>MSE(eps_S, eps)</c> over the samples whose caption was kept (not replaced), since a replaced caption no
/// longer describes the image the noise was added to. Outputs are (B, ...) of any shape (images, 2-D points).
/// </summary>
public static class DistillationLoss
{
    /// <param name="keptCaption">Bool (B): true where the caption was not replaced (only used by the task term)</param>
    public static DistillationLossTerms Compute(Tensor studentEps, Tensor teacherEps, FeatureCapture studentFeatures,
        FeatureCapture teacherFeatures, IReadOnlyList<FeaturePair> pairs, FeatureProjections projections, LossWeights weights,
        Tensor? noise = null, Tensor? keptCaption = null)
    {
        using var scope = Torch.NewDisposeScope();
        var output = F.MseLoss(studentEps, teacherEps);
        var feature = Torch.Zeros([], device: studentEps.Device);
        if (weights.Feature != 0)
            foreach (var pair in pairs)
            {
                var mapped = projections.Map(pair.Student, studentFeatures[pair.Student]);
                // A BFloat16 teacher copy (DistillationOptions.Bf16Teacher) hands out bf16 features: MseLoss compares them
                // with a float32 student's in float32, as autocast's mse_loss does.
                feature = feature + F.MseLoss(mapped, teacherFeatures[pair.Teacher]);
            }
        var task = Torch.Zeros([], device: studentEps.Device);
        if (weights.Task != 0)
        {
            if (noise is null || keptCaption is null) throw new ArgumentException("the task term needs the true noise and which captions were kept");
            var perSample = (studentEps - noise).Square().Mean(Enumerable.Range(1, (int)studentEps.Dim - 1).Select(d => (long)d).ToArray());
            var kept = keptCaption.To(perSample.DType);
            task = (perSample * kept).Sum() / kept.Sum().Clamp(1);
        }
        var total = output * weights.Output + feature * weights.Feature + task * weights.Task;
        return new DistillationLossTerms(total.MoveToOuterScope(), output.MoveToOuterScope(), feature.MoveToOuterScope(), task.MoveToOuterScope());
    }
}
