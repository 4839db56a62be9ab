using System.Text.RegularExpressions;
using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>What <see cref="TeacherWeightMapping.Copy"/> did: student parameter name to the teacher's it copied, and what it left random.</summary>
public sealed record WeightCopyReport(IReadOnlyDictionary<string, string> Copied, IReadOnlyList<string> LeftRandom)
{
    public override string ToString() => $"{Copied.Count} tensors copied from the teacher, {LeftRandom.Count} left random";
}

/// <summary>
/// Initializes a block-removed student from its teacher by parameter name. Every name maps to itself except in the
/// up path, where a stage with fewer blocks takes the teacher's first blocks and, for its last block, the teacher's
/// last (the teacher's up stage has three blocks, the student's two: student block 1 takes teacher block 2, as in
/// the published code, because the last block is the one that writes the stage's output). A student parameter whose
/// mapped teacher tensor is missing or has another shape (e.g. where removing the innermost stage changed a block's
/// input width) stays random and is listed in the report.
/// </summary>
public static partial class TeacherWeightMapping
{
    [GeneratedRegex(@"(^|\.)up\.(\d+)\.(res|attn)\.(\d+)\.")]
    private static partial Regex UpBlock();

    /// <summary>The teacher parameter name a student parameter takes its weights from.</summary>
    public static string TeacherName(string studentName, UNetConfig student, UNetConfig teacher) =>
        UpBlock().Replace(studentName, m =>
        {
            int stage = int.Parse(m.Groups[2].Value), block = int.Parse(m.Groups[4].Value);
            int studentBlocks = student.BlocksPerStage[stage] + 1, teacherBlocks = teacher.BlocksPerStage[stage] + 1;
            int mapped = block == studentBlocks - 1 ? teacherBlocks - 1 : block;
            return $"{m.Groups[1].Value}up.{stage}.{m.Groups[3].Value}.{mapped}.";
        });

    /// <summary>Copies every mapped parameter of <paramref name="teacher"/> into <paramref name="student"/> (any modules whose U-Net configs are given).</summary>
    public static WeightCopyReport Copy(Module teacher, Module student, UNetConfig teacherConfig, UNetConfig studentConfig)
    {
        var source = teacher.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var copied = new Dictionary<string, string>();
        var random = new List<string>();
        using var noGrad = Torch.NoGrad();
        foreach (var (name, parameter) in student.NamedParameters())
        {
            var from = TeacherName(name, studentConfig, teacherConfig);
            if (source.TryGetValue(from, out var t) && t.Data.Shape.SequenceEqual(parameter.Data.Shape))
            {
                parameter.Data.CopyFrom(t.Data);
                copied[name] = from;
            }
            else random.Add(name);
        }
        return new WeightCopyReport(copied, random);
    }
}
