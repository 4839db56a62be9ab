using RandCond.Diffusion;
using RandCond.Tensors;

namespace RandCond.Distillation.Sfddm;

/// <summary>
/// The student's schedule in SFDDM: a subsequence of the teacher's, ab'_t' = ab_index(t'). With the same x_0 and
/// noise, the student's x'_t' is exactly the teacher's x_index(t'), so one student step spans the teacher's steps
/// between two listed indices.
/// </summary>
public static class SfddmSchedule
{
    /// <summary>The teacher step of each of the T' student steps, increasing.</summary>
    public static int[] Indices(int teacherSteps, int studentSteps, SfddmIndexList list = SfddmIndexList.EndsAtLastStep) => list switch
    {
        SfddmIndexList.EndsAtLastStep => Timesteps.Linspace(teacherSteps, studentSteps),
        SfddmIndexList.Leading => Timesteps.Leading(teacherSteps, studentSteps),
        _ => throw new ArgumentOutOfRangeException(nameof(list), list, "unknown SFDDM index list"),
    };

    /// <summary>The student's schedule: the teacher's at <see cref="Indices"/> (its ParentIndices say which).</summary>
    public static NoiseSchedule Student(NoiseSchedule teacher, int studentSteps, SfddmIndexList list = SfddmIndexList.EndsAtLastStep) =>
        teacher.Subsequence(Indices(teacher.Steps, studentSteps, list));

    /// <summary>The teacher steps of a batch of student steps t' (Int64 (B)), on t's device.</summary>
    public static Tensor TeacherSteps(NoiseSchedule student, Tensor studentSteps)
    {
        if (student.ParentIndices is null)
            throw new ArgumentException("SfddmSchedule.TeacherSteps: the student's schedule must be a Subsequence of the teacher's", nameof(student));
        using var scope = Torch.NewDisposeScope();
        // The schedule's cached device table: no host copy per call, so a CUDA graph can record this.
        var table = student.On(studentSteps.Device).ParentSteps!;
        return table.IndexSelect(0, studentSteps.To(DType.Int64)).MoveToOuterScope();
    }

    /// <summary>Parses "ends-at-last" or "leading" (the lab's --index-list).</summary>
    public static SfddmIndexList Parse(string text) => text switch
    {
        "ends-at-last" => SfddmIndexList.EndsAtLastStep,
        "leading" or "ct" => SfddmIndexList.Leading,
        _ => throw new ArgumentException($"--index-list: unknown '{text}' (ends-at-last, leading)"),
    };

    public static string Name(SfddmIndexList list) => list == SfddmIndexList.Leading ? "leading" : "ends-at-last";
}
