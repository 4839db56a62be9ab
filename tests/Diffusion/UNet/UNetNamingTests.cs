using RandCond.Diffusion.UNet;
using Xunit;

namespace RandCond.Tests.Diffusion.UNet;

public class UNetNamingTests
{
    private static readonly UNetConfig Teacher = new()
    {
        BaseChannels = 8,
        ChannelMultipliers = [1, 2],
        BlocksPerStage = [2, 2],
        SelfAttentionStages = [1],
        CrossAttentionStages = [1],
        AttentionHeads = 2,
        GroupNormGroups = 4,
        Conditioning = Conditioning.Text,
        ContextDim = 8,
    };

    [Fact]
    public void TeacherBlocksAreNamedInExecutionOrder()
    {
        using var net = new UNetModel(Teacher);
        Assert.Equal(new[]
        {
            "in",
            "down.0.res.0", "down.0.res.1", "down.0.downsample", "down.0.out",
            "down.1.res.0", "down.1.attn.0", "down.1.res.1", "down.1.attn.1", "down.1.out",
            "mid.res.0", "mid.attn", "mid.res.1", "mid",
            "up.1.res.0", "up.1.attn.0", "up.1.res.1", "up.1.attn.1", "up.1.res.2", "up.1.attn.2", "up.1.upsample", "up.1.out",
            "up.0.res.0", "up.0.res.1", "up.0.res.2", "up.0.out",
            "out.hidden", "out",
        }, net.BlockNames);
    }

    [Fact]
    public void FewerBlocksAndNoMiddleBlockRemoveNamesWithoutRenamingTheRest()
    {
        using var student = new UNetModel(Teacher with { BlocksPerStage = [1, 1], MiddleBlock = false });
        Assert.Equal(new[]
        {
            "in",
            "down.0.res.0", "down.0.downsample", "down.0.out",
            "down.1.res.0", "down.1.attn.0", "down.1.out",
            "up.1.res.0", "up.1.attn.0", "up.1.res.1", "up.1.attn.1", "up.1.upsample", "up.1.out",
            "up.0.res.0", "up.0.res.1", "up.0.out",
            "out.hidden", "out",
        }, student.BlockNames);
    }

    [Fact]
    public void DroppingTheInnermostStageKeepsTheOuterStagesNames()
    {
        var three = Teacher with { ChannelMultipliers = [1, 2, 2], BlocksPerStage = [1, 1, 1], SelfAttentionStages = [1, 2], CrossAttentionStages = [2] };
        using var full = new UNetModel(three);
        using var dropped = new UNetModel(three with { DropInnermostStage = true });
        Assert.Contains("down.2.res.0", full.BlockNames);
        Assert.DoesNotContain(dropped.BlockNames, n => n.StartsWith("down.2") || n.StartsWith("up.2"));
        // The dropped net's stage 1 is now the last: it has no downsample.
        Assert.Equal(full.BlockNames.Where(n => !n.StartsWith("down.2") && !n.StartsWith("up.2") && !n.StartsWith("mid") && n != "down.1.downsample"),
                     dropped.BlockNames.Where(n => !n.StartsWith("mid")));
        var mid = dropped.Describe(28, 28).Single(b => b.Name == "mid");
        Assert.Equal((16L, 14L, 1), (mid.Channels, mid.Height, mid.Stage));
    }

    [Fact]
    public void ParameterNamesMirrorBlockNamesAndStudentNamesAreTheTeachers()
    {
        using var teacher = new UNetModel(Teacher);
        using var student = new UNetModel(Teacher with { BlocksPerStage = [1, 1], MiddleBlock = false });
        var teacherNames = teacher.NamedParameters().Select(p => p.Name).ToHashSet();
        Assert.Subset(teacherNames, student.NamedParameters().Select(p => p.Name).ToHashSet());
        Assert.Contains("down.0.res.1.conv1.weight", teacherNames);
        Assert.Contains("up.1.attn.2.cross_attn.to_k.weight", teacherNames);
        Assert.Contains("down.0.downsample.weight", teacherNames);
        Assert.Contains("mid.attn.self_attn.to_q.weight", teacherNames);
        Assert.Contains("out.conv.weight", teacherNames);
        Assert.Contains("time.linear1.weight", teacherNames);

        // Every block with its own weights owns exactly the parameters under its prefix.
        foreach (var b in teacher.Describe(28, 28).Where(b => b.ParameterPrefix is not null))
            Assert.Contains(teacherNames, n => n.StartsWith(b.ParameterPrefix + "."));
        var owned = teacher.Describe(28, 28).Where(b => b.ParameterPrefix is not null).Select(b => b.ParameterPrefix + ".").ToArray();
        Assert.All(teacherNames.Where(n => !n.StartsWith("time.")), n => Assert.Contains(owned, p => n.StartsWith(p)));
    }

    [Fact]
    public void OneBlockStudentMatchesTheTeachersShapesWithItsLastUpBlockTakingTheTeachersThird()
    {
        var three = Teacher with { ChannelMultipliers = [1, 2, 4], BlocksPerStage = [2, 2, 2], SelfAttentionStages = [1, 2], CrossAttentionStages = [1, 2] };
        using var teacher = new UNetModel(three);
        using var student = new UNetModel(three with { BlocksPerStage = [1, 1, 1], MiddleBlock = false });
        var shapes = teacher.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Data.Shape);
        foreach (var (name, p) in student.NamedParameters())
        {
            var source = System.Text.RegularExpressions.Regex.Replace(name, @"^up\.(\d)\.(res|attn)\.1\.", "up.$1.$2.2.");
            Assert.True(shapes[source].SequenceEqual(p.Data.Shape), $"{name} <- {source}");
        }
        // Without the remapping, the up blocks' input widths differ where the skips do.
        var mismatchedUnderSameName = student.NamedParameters().Count(p => !shapes[p.Name].SequenceEqual(p.Parameter.Data.Shape));
        Assert.True(mismatchedUnderSameName > 0);
    }
}
