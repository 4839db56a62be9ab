using RandCond.Diffusion.UNet;

namespace RandCond.Distillation;

/// <summary>How a student starts: from the teacher's weights (by <see cref="TeacherWeightMapping"/>) or from random weights.</summary>
public enum StudentInit { Teacher, Random }

/// <summary>
/// A student architecture, written as a variation of the teacher's <see cref="UNetConfig"/>, and how it starts.
/// The published students: block-removed (one residual block per stage instead of two; also without the middle
/// block; also without the innermost stage), initialized from the teacher; width-reduced (same depth, fewer
/// channels), from random weights. The condition encoder is the teacher's, copied and frozen, as in the published code;
/// <see cref="OwnEncoder"/> gives the student an encoder of the same architecture from random weights, trained with it,
/// to show what the shared encoder carries (an unseen condition's embedding then means nothing to the student unless
/// random conditioning trains it).
/// </summary>
public sealed record StudentSpec(string Name, Func<UNetConfig, UNetConfig> FromTeacher, StudentInit Init)
{
    /// <summary>The condition encoder from random weights, trained with the student (else the teacher's, frozen).</summary>
    public bool OwnEncoder { get; init; }

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

    /// <summary>
    /// Parses "block-removed", "block-removed-no-mid", "block-removed-no-inner" (optionally ":random" or ":teacher") or
    /// "width-0.5", each optionally followed by ":own-encoder" (e.g. "block-removed:random:own-encoder").
    /// </summary>
    public static StudentSpec Parse(string text)
    {
        var parts = text.Split(':');
        bool ownEncoder = parts[^1] == "own-encoder";
        if (ownEncoder) parts = parts[..^1];
        if (parts.Length > 2 || (parts.Length == 2 && parts[1] is not ("random" or "teacher")))
            throw new ArgumentException($"student '{text}': after the architecture come ':random' or ':teacher', then optionally ':own-encoder'");
        var init = parts.Length > 1 && parts[1] == "random" ? StudentInit.Random : StudentInit.Teacher;
        var spec = parts[0] switch
        {
            "block-removed" => BlockRemoved(init),
            "block-removed-no-mid" => BlockRemovedNoMiddle(init),
            "block-removed-no-inner" => BlockRemovedNoInnermost(init),
            var w when w.StartsWith("width-", StringComparison.Ordinal) &&
                       double.TryParse(w[6..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var f) && f is > 0 and <= 1 =>
                WidthReduced(f),
            _ => throw new ArgumentException($"unknown student '{text}' (known: block-removed, block-removed-no-mid, block-removed-no-inner [:random|:teacher], width-F with 0 < F <= 1; then optionally :own-encoder)"),
        };
        return spec with { OwnEncoder = ownEncoder };
    }

    /// <summary>The student's config; throws if it is invalid (e.g. widths that do not split into the norm's groups).</summary>
    public UNetConfig ConfigFor(UNetConfig teacher)
    {
        var config = FromTeacher(teacher);
        config.Validate();
        return config;
    }

    public string Label => (Init == StudentInit.Random ? $"{Name} (random init)" : Name) + (OwnEncoder ? " (own encoder)" : "");

    // Rounds to a multiple of the GroupNorm groups times the heads, so every stage still splits evenly.
    private static int ScaledWidth(UNetConfig t, double fraction)
    {
        int unit = t.GroupNormGroups * t.AttentionHeads / Gcd(t.GroupNormGroups, t.AttentionHeads);
        unit = Math.Max(unit, 2);
        return Math.Max(unit, (int)Math.Round(t.BaseChannels * fraction / unit) * unit);
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
