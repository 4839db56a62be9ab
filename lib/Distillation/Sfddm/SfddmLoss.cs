using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Distillation.Sfddm;

/// <summary>The SFDDM loss of one batch and its two terms (scalar tensors; Total carries the student's graph).</summary>
public sealed record SfddmLossTerms(Tensor Total, Tensor Output, Tensor Feature);

/// <summary>
/// The SFDDM loss: noise the images with the student's schedule at its steps t' (the teacher's x at index(t')),
/// let the student predict at t' and the frozen teacher at index(t'), and compare outputs and one hidden feature
/// map by mean absolute difference: L = w_o mean|eps_S - eps_T| + w_f mean|h_S - h_T|.
/// </summary>
public static class SfddmLoss
{
    /// <param name="studentSchedule">a <see cref="NoiseSchedule.Subsequence"/> of the teacher's schedule</param>
    /// <param name="x0">(B, C, H, W) clean images</param>
    /// <param name="studentSteps">Int64 (B), t' in [0, T')</param>
    /// <param name="eps">(B, C, H, W) the noise both networks see</param>
    /// <param name="tokens">Int64 (B, L) captions (null-caption rows included)</param>
    public static SfddmLossTerms Compute(TextDiffusionModel student, TextDiffusionModel teacher, NoiseSchedule studentSchedule,
                                        Tensor x0, Tensor studentSteps, Tensor eps, Tensor tokens,
                                        string featureBlock = "out.hidden", double outputWeight = 1, double featureWeight = 1)
    {
        using var scope = Torch.NewDisposeScope();
        var teacherSteps = SfddmSchedule.TeacherSteps(studentSchedule, studentSteps);
        var xt = ForwardProcess.QSample(studentSchedule, x0, studentSteps, eps);
        using var teacherFeatures = new FeatureCapture([featureBlock]);
        using var studentFeatures = new FeatureCapture([featureBlock]);
        Tensor teacherOut;
        using (Torch.NoGrad())
            teacherOut = teacher.Forward(xt, teacherSteps, tokens, teacherFeatures);
        var studentOut = student.Forward(xt, studentSteps, tokens, studentFeatures);
        var hs = studentFeatures[featureBlock];
        var ht = teacherFeatures[featureBlock];
        if (!hs.Shape.SequenceEqual(ht.Shape) || !studentOut.Shape.SequenceEqual(teacherOut.Shape))
            throw new ArgumentException($"SfddmLoss: the student must have the teacher's architecture; '{featureBlock}' is {hs.Describe()} vs the teacher's {ht.Describe()}, output {studentOut.Describe()} vs {teacherOut.Describe()}");
        var output = F.L1Loss(studentOut, teacherOut);
        var feature = F.L1Loss(hs, ht);
        var total = output * outputWeight + feature * featureWeight;
        return new SfddmLossTerms(total.MoveToOuterScope(), output.MoveToOuterScope(), feature.MoveToOuterScope());
    }
}
