using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// 1x1 convolutions (with bias) that map a width-reduced student's features to the teacher's widths, one per
/// matched pair that needs it. Trained with the student and thrown away after distillation.
/// </summary>
public sealed class FeatureProjections : Module
{
    private readonly Dictionary<string, Conv2d> byStudentBlock = new();

    public FeatureProjections(IEnumerable<FeaturePair> pairs, Device? device = null)
    {
        foreach (var pair in pairs.Where(p => p.NeedsProjection))
            byStudentBlock[pair.Student] = Register(pair.Student.Replace('.', '_'), new Conv2d(pair.StudentChannels, pair.TeacherChannels, 1, device: device));
    }

    public int Count => byStudentBlock.Count;

    /// <summary>The student's feature in the teacher's width (the feature itself where the widths agree).</summary>
    public Tensor Map(string studentBlock, Tensor feature) =>
        byStudentBlock.TryGetValue(studentBlock, out var conv) ? conv.Forward(feature) : feature;
}
