using RandCond.Tensors;

namespace RandCond.Diffusion.Text;

/// <summary>Shape of a <see cref="TextEncoder"/>. Token id PadToken marks padding when no mask is given.</summary>
public sealed record TextEncoderConfig : ConditionEncoderConfig
{
    public override string Kind => "text";
    public override int ContextWidth => Width;
    public override ConditionEncoder Create(Device? device = null) => new TextEncoder(this, device);

    public int VocabSize { get; init; } = 1000;
    public int MaxLength { get; init; } = 16;
    public int Width { get; init; } = 128;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int MlpMultiplier { get; init; } = 4;
    public double Dropout { get; init; }
    public int PadToken { get; init; }

    public void Validate()
    {
        void Fail(string field, string expectation) => throw new ArgumentException($"TextEncoderConfig.{field}: {expectation}");
        if (VocabSize < 1) Fail(nameof(VocabSize), $"must be >= 1 (got {VocabSize})");
        if (MaxLength < 1) Fail(nameof(MaxLength), $"must be >= 1 (got {MaxLength})");
        if (Width < 1) Fail(nameof(Width), $"must be >= 1 (got {Width})");
        if (Layers < 0) Fail(nameof(Layers), $"must be >= 0 (got {Layers})");
        if (Heads < 1 || Width % Heads != 0) Fail(nameof(Heads), $"must be >= 1 and divide Width {Width} (got {Heads})");
        if (MlpMultiplier < 1) Fail(nameof(MlpMultiplier), $"must be >= 1 (got {MlpMultiplier})");
        if (Dropout is < 0 or >= 1) Fail(nameof(Dropout), $"must lie in [0, 1) (got {Dropout})");
        if (PadToken < 0 || PadToken >= VocabSize) Fail(nameof(PadToken), $"must lie in [0, VocabSize) (got {PadToken})");
    }
}
