using RandCond.Tensors;

namespace RandCond.Diffusion.Label;

/// <summary>
/// Shape of a <see cref="LabelEncoder"/>: <see cref="Classes"/> class labels plus the null label (id Classes) for
/// classifier-free guidance, an MLP of <see cref="Width"/> units, and the class each caption token names
/// (<see cref="ClassOfToken"/>, indexed by token id; Classes for a word that names no class, see <see cref="CaptionClasses"/>).
/// </summary>
public sealed record LabelEncoderConfig : ConditionEncoderConfig
{
    public required int Classes { get; init; }
    public int Width { get; init; } = 64;
    public required IReadOnlyList<int> ClassOfToken { get; init; }

    public override string Kind => "label";
    public override int ContextWidth => Width;
    public override ConditionEncoder Create(Device? device = null) => new LabelEncoder(this, device);

    /// <summary>The null label's id: one past the last class.</summary>
    public int NullLabel => Classes;

    public void Validate()
    {
        void Fail(string field, string expectation) => throw new ArgumentException($"LabelEncoderConfig.{field}: {expectation}");
        if (Classes < 1) Fail(nameof(Classes), $"must be >= 1 (got {Classes})");
        if (Width < 1) Fail(nameof(Width), $"must be >= 1 (got {Width})");
        if (ClassOfToken is null || ClassOfToken.Count == 0) Fail(nameof(ClassOfToken), "must map every token id of the vocabulary (got none)");
        for (int i = 0; i < ClassOfToken!.Count; i++)
            if (ClassOfToken[i] < 0 || ClassOfToken[i] > Classes)
                Fail(nameof(ClassOfToken), $"token {i} maps to {ClassOfToken[i]}, outside [0, {Classes}] ({Classes} = names no class)");
    }

    // Records compare lists by reference; two configs are the same encoder when their tables hold the same values.
    public bool Equals(LabelEncoderConfig? other) =>
        other is not null && Classes == other.Classes && Width == other.Width && ClassOfToken.SequenceEqual(other.ClassOfToken);

    public override int GetHashCode() => HashCode.Combine(Classes, Width, ClassOfToken.Count);
}
