using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.RandomConditioning;

public sealed class StudentInitializationTests
{
    [Fact]
    public void Block_removed_student_copies_the_mapped_teacher_weights_exactly()
    {
        using var teacher = RcTestNets.Teacher();
        using var distill = new DistillationStudent(teacher, StudentSpec.BlockRemoved());
        var report = distill.CopyReport!;
        Assert.Empty(report.LeftRandom);
        var teacherState = teacher.UNet.StateDict();
        foreach (var (name, value) in distill.Student.UNet.StateDict())
        {
            var from = TeacherWeightMapping.TeacherName(name, distill.Student.UNet.Config, teacher.UNet.Config);
            using var equal = value.Eq(teacherState[from]).All();
            Assert.True(equal.Item() != 0, $"{name} differs from the teacher's {from}");
        }
        // The up path's last block comes from the teacher's last, not its second.
        Assert.Equal("up.1.res.2.conv1.weight", TeacherWeightMapping.TeacherName("up.1.res.1.conv1.weight", distill.Student.UNet.Config, teacher.UNet.Config));
        Assert.Equal("unet.up.0.attn.0.to_q.weight", TeacherWeightMapping.TeacherName("unet.up.0.attn.0.to_q.weight", distill.Student.UNet.Config, teacher.UNet.Config));
        Assert.Equal("down.1.res.0.conv2.bias", TeacherWeightMapping.TeacherName("down.1.res.0.conv2.bias", distill.Student.UNet.Config, teacher.UNet.Config));
    }

    [Fact]
    public void The_text_encoder_is_the_teachers_and_frozen()
    {
        using var teacher = RcTestNets.Teacher();
        using var distill = new DistillationStudent(teacher, StudentSpec.BlockRemoved(StudentInit.Random));
        Assert.Null(distill.CopyReport);
        var teacherText = teacher.Text.StateDict();
        foreach (var (name, value) in distill.Student.Text.StateDict())
        {
            using var equal = value.Eq(teacherText[name]).All();
            Assert.True(equal.Item() != 0, name);
        }
        Assert.All(distill.Student.Text.Parameters(), p => Assert.False(p.RequiresGrad));
        Assert.All(distill.Student.UNet.Parameters(), p => Assert.True(p.RequiresGrad));
        Assert.True(distill.StudentUNetParameters < teacher.UNet.ParameterCount);
    }

    [Fact]
    public void A_student_with_its_own_encoder_trains_one_from_random_weights()
    {
        var spec = StudentSpec.Parse("block-removed:random:own-encoder");
        Assert.True(spec.OwnEncoder);
        Assert.Equal(StudentInit.Random, spec.Init);
        Assert.Equal("block-removed (random init) (own encoder)", spec.Label);
        Assert.False(StudentSpec.Parse("block-removed:random").OwnEncoder);
        Assert.Throws<ArgumentException>(() => StudentSpec.Parse("block-removed:own-encoder:random"));

        using var teacher = RcTestNets.Teacher();
        using var distill = new DistillationStudent(teacher, spec);
        var teacherText = teacher.Text.StateDict();
        bool anyDiffers = false;
        foreach (var (name, value) in distill.Student.Text.StateDict())
        {
            using var equal = value.Eq(teacherText[name]).All();
            anyDiffers |= equal.Item() == 0;
        }
        Assert.True(anyDiffers, "the student's own encoder starts equal to the teacher's");
        Assert.All(distill.Student.Text.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void Width_reduced_students_get_projections_for_every_matched_feature()
    {
        using var teacher = RcTestNets.Teacher();
        using var distill = new DistillationStudent(teacher, StudentSpec.WidthReduced(0.5));
        Assert.Equal(4, distill.Student.UNet.Config.BaseChannels);
        Assert.NotEmpty(distill.Pairs);
        Assert.All(distill.Pairs, p => Assert.True(p.NeedsProjection));
        Assert.Equal(distill.Pairs.Count, distill.Projections.Count);
    }

    [Fact]
    public void Removing_the_middle_and_the_innermost_stage_keeps_only_features_of_matching_resolution()
    {
        using var teacher = RcTestNets.Teacher();
        using var noMid = new DistillationStudent(teacher, StudentSpec.BlockRemovedNoMiddle());
        Assert.DoesNotContain(noMid.Pairs, p => p.Student == "mid");
        using var tiny = new DistillationStudent(teacher, StudentSpec.BlockRemovedNoInnermost());
        // down.1 no longer downsamples, so its output is at another resolution than the teacher's and is not matched.
        Assert.Equal(["down.0.out", "up.1.out", "up.0.out"], tiny.Pairs.Select(p => p.Student).ToArray());
        Assert.NotEmpty(tiny.CopyReport!.Copied);
    }

    [Fact]
    public void Parse_names_the_problem()
    {
        Assert.Equal(StudentInit.Random, StudentSpec.Parse("block-removed:random").Init);
        Assert.Equal("width-0.5", StudentSpec.Parse("width-0.5").Name);
        Assert.Contains("known", Assert.Throws<ArgumentException>(() => StudentSpec.Parse("deep-narrow")).Message);
        Assert.Contains("teacher", Assert.Throws<ArgumentException>(() => StudentSpec.Parse("block-removed:pretrained")).Message);
    }
}
