using RandCond.Diffusion.UNet;

namespace RandCond.Distillation;

/// <summary>How a student starts: from the teacher's weights (by <see cref="TeacherWeightMapping"/>) or from random weights.</summary>
public enum StudentInit { Teacher, Random }

/// <summary>
/// A student architecture, written as a variation of the teacher's <see cref="UNetConfig"/>, and how it starts.
/// The published students: block-removed (one residual block per stage instead of two; also without the middle
/// block; also without the innermost stage), initialized from the teacher; width-reduced (same depth, fewer
/// channels), from random weights.
/// </summary>
public sealed record StudentSpec(string Name, Func<UNetConfig, UNetConfig> FromTeacher, StudentInit Init)
{
    /// <summary>One residual block per stage (the paper's B-Base analogue).</summary>
    public static StudentSpec BlockRemoved(StudentInit init = StudentInit.Teacher) =>
        new("block-removed", t => t with { BlocksPerStage = t.BlocksPerStage.Select(_ => 1).ToArray() }, init);

    /// <summary>One block per stage and no middle block (B-Small).</summary>
    public static StudentSpec BlockRemovedNoMiddle(StudentInit init = StudentInit.Teacher) =>
        new("block-removed-no-mid", t => t with { BlocksPerStage = t.BlocksPerStage.Select(_ => 1).ToArray(), MiddleBlock = false }, init);

    /// <summary>One block per stage, no middle block, no innermost stage (B-Tiny).</summary>
    public static StudentSpec BlockRemovedNoInnermost(StudentInit init = StudentInit.Teacher) =>
        new("block-removed-no-inner", t => t with
        {
            BlocksPerStage = t.BlocksPerStage.Select(_ => 1).ToArray(), MiddleBlock = false, DropInnermostStage = true,
        }, init);

    /// <summary>The teacher's depth and attention layout with every width scaled by <paramref name="fraction"/>, from random weights.</summary>
    public static StudentSpec WidthReduced(double fraction) =>
        new($"width-{fraction:0.###}", t => t with { BaseChannels = ScaledWidth(t, fraction) }, StudentInit.Random);

    public static IReadOnlyList<StudentSpec> BlockRemovedFamily(StudentInit init = StudentInit.Teacher) =>
        [BlockRemoved(init), BlockRemovedNoMiddle(init), BlockRemovedNoInnermost(init)];

    /// <summary>Parses "block-removed", "block-removed-no-mid", "block-removed-no-inner" (optionally ":random") or "width-0.5".</summary>
    public static StudentSpec Parse(string text)
    {
        var parts = text.Split(':');
        var init = parts.Length > 1 && parts[1] == "random" ? StudentInit.Random : StudentInit.Teacher;
        if (parts.Length > 1 && parts[1] is not ("random" or "teacher"))
            throw new ArgumentException($"student '{text}': the part after ':' must be 'teacher' or 'random'");
        return parts[0] switch
        {
            "block-removed" => BlockRemoved(init),
            "block-removed-no-mid" => BlockRemovedNoMiddle(init),
            "block-removed-no-inner" => BlockRemovedNoInnermost(init),
            var w when w.StartsWith("width-", StringComparison.Ordinal) &&
                       double.TryParse(w[6..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var f) && f is > 0 and <= 1 =>
                WidthReduced(f),
            _ => throw new ArgumentException($"unknown student '{text}' (known: block-removed, block-removed-no-mid, block-removed-no-inner [:random|:teacher], width-F with 0 < F <= 1)"),
        };
    }

    /// <summary>The student's config; throws if it is invalid (e.g. widths that do not split into the norm's groups).</summary>
    public UNetConfig ConfigFor(UNetConfig teacher)
    {
        var config = FromTeacher(teacher);
        config.Validate();
        return config;
    }

    public string Label => Init == StudentInit.Random ? $"{Name} (random init)" : Name;

    // Rounds to a multiple of the GroupNorm groups times the heads, so every stage still splits evenly.
    private static int ScaledWidth(UNetConfig t, double fraction)
    {
        int unit = t.GroupNormGroups * t.AttentionHeads / Gcd(t.GroupNormGroups, t.AttentionHeads);
        unit = Math.Max(unit, 2);
        return Math.Max(unit, (int)Math.Round(t.BaseChannels * fraction / unit) * unit);
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
