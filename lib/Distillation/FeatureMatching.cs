using RandCond.Diffusion.UNet;

namespace RandCond.Distillation;

/// <summary>A student block whose output is matched to a teacher block's, with both widths (a projection maps them when they differ).</summary>
public sealed record FeaturePair(string Student, string Teacher, long StudentChannels, long TeacherChannels)
{
    public bool NeedsProjection => StudentChannels != TeacherChannels;
}

/// <summary>
/// Which features the feature-distillation loss matches: the output of every down stage, the middle block and every
/// up stage that both networks have (the published mapping for block-removed students: the outputs of every stage).
/// Stage outputs keep their names when blocks are removed, so pairs are found by name and resolution.
/// </summary>
public static class FeatureMatching
{
    public static IReadOnlyList<FeaturePair> StageOutputs(UNetModel student, UNetModel teacher, long height = 28, long width = 28)
    {
        var teacherBlocks = teacher.Describe(height, width).ToDictionary(b => b.Name);
        return student.Describe(height, width)
            .Where(b => b.Kind is BlockKind.StageOutput or BlockKind.Middle)
            .Where(b => teacherBlocks.TryGetValue(b.Name, out var t) && t.Height == b.Height && t.Width == b.Width)
            .Select(b => new FeaturePair(b.Name, b.Name, b.Channels, teacherBlocks[b.Name].Channels))
            .ToArray();
    }
}
