using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation.Sfddm;
using RandCond.Tensors;
using RandCond.Tests.Diffusion;

namespace RandCond.Tests.Distillation.Sfddm;

public class SfddmSamplingTests : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    /// <summary>
    /// A student that is the teacher with its steps mapped to index(t'), sampled with DDIM over its own T' steps, gives
    /// exactly the teacher's DDIM samples over the teacher steps index(0..T'-1): the student's sampler walks the right
    /// noise levels and hands the network its own step t'.
    /// </summary>
    [Theory]
    [InlineData(SfddmIndexList.EndsAtLastStep)]
    [InlineData(SfddmIndexList.Leading)]
    public void StudentDdimOverItsStepsIsTheTeachersDdimOverTheMappedSteps(SfddmIndexList list)
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = SfddmTestNets.Fresh(1);
        teacher.Eval();
        using var schedule = NoiseSchedule.Linear(1000);
        using var studentSchedule = SfddmSchedule.Student(schedule, 4, list);
        var tokens = SfddmTestNets.Tokens(3, 7);
        var nul = SfddmTestNets.Tokenizer.NullTokens(2, SfddmTestNets.CaptionLength);
        var guided = ClassifierFreeGuidance.Bind(teacher, tokens, nul, 2.0);
        var asStudent = guided.WithTimesteps(t => SfddmSchedule.TeacherSteps(studentSchedule, t));

        var sampler = SfddmSampling.Sampler(studentSchedule);
        Assert.Equal([0, 1, 2, 3], sampler.Timesteps);
        using var g1 = new Generator(5);
        var fromStudent = sampler.Sample(asStudent, [2, 1, 8, 8], g1).ToArray<float>();
        using var g2 = new Generator(5);
        var fromTeacher = new DdimSampler(schedule, studentSchedule.ParentIndices!).Sample(guided, [2, 1, 8, 8], g2).ToArray<float>();
        Assert.Equal(fromTeacher, fromStudent);
        Assert.All(fromStudent, v => Assert.True(float.IsFinite(v)));
    }
}
