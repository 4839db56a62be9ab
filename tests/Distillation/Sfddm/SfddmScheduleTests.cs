using RandCond.Diffusion;
using RandCond.Distillation.Sfddm;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.Sfddm;

public class SfddmScheduleTests
{
    [Theory]
    [InlineData(SfddmIndexList.EndsAtLastStep, 10)]
    [InlineData(SfddmIndexList.Leading, 10)]
    [InlineData(SfddmIndexList.EndsAtLastStep, 3)]
    [InlineData(SfddmIndexList.Leading, 7)]
    public void StudentNoisedSampleIsTheTeachersAtTheMappedIndexExactly(SfddmIndexList list, int studentSteps)
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = NoiseSchedule.Linear(1000);
        using var student = SfddmSchedule.Student(teacher, studentSteps, list);
        var indices = SfddmSchedule.Indices(1000, studentSteps, list);
        Assert.Equal(indices, student.ParentIndices);
        for (int k = 0; k < studentSteps; k++) Assert.Equal(teacher.AlphaBar(indices[k]), student.AlphaBar(k));

        using var gen = new Generator(3);
        var x0 = Torch.Rand([studentSteps, 1, 6, 6], gen) * 2 - 1;
        var eps = Torch.Randn([studentSteps, 1, 6, 6], gen);
        var studentT = Torch.Arange(studentSteps);
        var teacherT = SfddmSchedule.TeacherSteps(student, studentT);
        Assert.Equal(indices.Select(i => (long)i), teacherT.ToArray<long>());
        var xs = ForwardProcess.QSample(student, x0, studentT, eps).ToArray<float>();
        var xt = ForwardProcess.QSample(teacher, x0, teacherT, eps).ToArray<float>();
        Assert.Equal(xt, xs);
        // and not trivially: a different teacher step gives a different sample
        var shifted = ForwardProcess.QSample(teacher, x0, (teacherT + 1).Clamp(0, 999), eps).ToArray<float>();
        Assert.NotEqual(xt, shifted);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(50)]
    [InlineData(20)]
    [InlineData(10)]
    [InlineData(5)]
    public void NoisiestStudentStepIsTeacherStepTMinusCUnderCtAndTMinus1ByDefault(int studentSteps)
    {
        const int T = 1000;
        int c = T / studentSteps;
        var leading = SfddmSchedule.Indices(T, studentSteps, SfddmIndexList.Leading);
        var byDefault = SfddmSchedule.Indices(T, studentSteps);
        Assert.Equal(T - c, leading[^1]);
        Assert.Equal(Enumerable.Range(0, studentSteps).Select(t => c * t), leading);
        Assert.Equal(T - 1, byDefault[^1]);
        Assert.Equal(0, leading[0]);
        Assert.Equal(0, byDefault[0]);
        Assert.Equal(studentSteps, byDefault.Distinct().Count());
    }

    [Fact]
    public void DefaultListOfFiveStepsIsEvenlySpacedFromZeroToTheLastStep()
    {
        Assert.Equal([0, 250, 500, 749, 999], SfddmSchedule.Indices(1000, 5));
        Assert.Equal([0, 200, 400, 600, 800], SfddmSchedule.Indices(1000, 5, SfddmIndexList.Leading));
        Assert.Equal(SfddmIndexList.EndsAtLastStep, new SfddmOptions().IndexList);
    }

    [Fact]
    public void TeacherStepsNeedASubsequenceSchedule()
    {
        using var plain = NoiseSchedule.Linear(10);
        using var t = Torch.Arange(3);
        var e = Assert.Throws<ArgumentException>(() => SfddmSchedule.TeacherSteps(plain, t));
        Assert.Contains("Subsequence", e.Message);
    }
}
