using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// What a distillation run trains: the student (a <see cref="TextDiffusionModel"/> whose text encoder is the teacher's,
/// copied and frozen, so the condition means the same to both) and the feature projections. Parameter names:
/// "student.*" and "proj.*"; only "student.*" is kept after distillation.
/// </summary>
public sealed class DistillationStudent : Module
{
    public DistillationStudent(TextDiffusionModel teacher, StudentSpec spec, Device? device = null)
    {
        Spec = spec;
        var config = spec.ConfigFor(teacher.UNet.Config);
        Student = Register("student", new TextDiffusionModel(teacher.Text.Config, config, device));
        using (Torch.NoGrad())
            Student.Text.LoadStateDict(teacher.Text.StateDict());
        Student.Text.RequiresGrad(false);
        if (spec.Init == StudentInit.Teacher)
            CopyReport = TeacherWeightMapping.Copy(teacher.UNet, Student.UNet, teacher.UNet.Config, config);
        Pairs = FeatureMatching.StageOutputs(Student.UNet, teacher.UNet);
        Projections = Register("proj", new FeatureProjections(Pairs, device));
    }

    public StudentSpec Spec { get; }
    public TextDiffusionModel Student { get; }
    public FeatureProjections Projections { get; }
    public IReadOnlyList<FeaturePair> Pairs { get; }

    /// <summary>Null for a randomly initialized student.</summary>
    public WeightCopyReport? CopyReport { get; }

    /// <summary>Trainable U-Net parameters of the student (the frozen text encoder and the projections not counted).</summary>
    public long StudentUNetParameters => Student.UNet.ParameterCount;
}
