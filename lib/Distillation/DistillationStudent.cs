using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// The U-Net student of a conditional teacher: a <see cref="TextDiffusionModel"/> whose condition encoder is the
/// teacher's, copied and frozen, so the condition means the same to both (or, with <see cref="StudentSpec.OwnEncoder"/>,
/// one of the same architecture from random weights, trained with the student); its stage outputs are matched to the
/// teacher's (<see cref="FeatureMatching.StageOutputs"/>). Parameter names: "student.*" and "proj.*"; only "student.*"
/// is kept after distillation.
/// </summary>
public sealed class DistillationStudent : StudentModel
{
    public DistillationStudent(TextDiffusionModel teacher, StudentSpec spec, Device? device = null)
        : this(teacher, spec, CreateNetwork(teacher, spec, device), device) { }

    private DistillationStudent(TextDiffusionModel teacher, StudentSpec spec, TextDiffusionModel student, Device? device)
        : base(student, FeatureMatching.StageOutputs(student.UNet, teacher.UNet), spec.Label, device)
    {
        Spec = spec;
        Student = student;
        if (spec.Init == StudentInit.Teacher)
            CopyReport = TeacherWeightMapping.Copy(teacher.UNet, Student.UNet, teacher.UNet.Config, student.UNet.Config);
    }

    /// <summary>The student network, its condition encoder a frozen copy of the teacher's unless the spec asks for its own.</summary>
    private static TextDiffusionModel CreateNetwork(TextDiffusionModel teacher, StudentSpec spec, Device? device)
    {
        var student = new TextDiffusionModel(teacher.Text.Config, spec.ConfigFor(teacher.UNet.Config), device);
        if (spec.OwnEncoder) return student;
        using (Torch.NoGrad())
            student.Text.LoadStateDict(teacher.Text.StateDict());
        student.Text.RequiresGrad(false);
        return student;
    }

    public StudentSpec Spec { get; }
    public TextDiffusionModel Student { get; }

    /// <summary>Null for a randomly initialized student.</summary>
    public WeightCopyReport? CopyReport { get; }

    /// <summary>U-Net parameters of the student (the condition encoder, frozen or its own, and the projections not counted).</summary>
    public long StudentUNetParameters => Student.UNet.ParameterCount;
}
