namespace RandCond.Data;

/// <summary>A named set of classes of one dataset, e.g. footwear (sandal, sneaker, ankle boot) or "digit 3".</summary>
public sealed record ConceptGroup(string Name, DatasetKind Kind, IReadOnlyList<int> Classes)
{
    public bool Contains(int label) => Classes.Contains(label);

    public override string ToString() => $"{Name} ({Kind.DisplayName()}: {string.Join(", ", Classes.Select(c => Kind.ClassNames()[c]))})";
}

/// <summary>The concept groups experiments keep out of the image set D while the text corpus C still names them.</summary>
public static class ConceptGroups
{
    public static readonly ConceptGroup Tops = new("tops", DatasetKind.FashionMnist, [0, 2, 4, 6]);
    public static readonly ConceptGroup Trousers = new("trousers", DatasetKind.FashionMnist, [1]);
    public static readonly ConceptGroup Dresses = new("dresses", DatasetKind.FashionMnist, [3]);
    public static readonly ConceptGroup Footwear = new("footwear", DatasetKind.FashionMnist, [5, 7, 9]);
    public static readonly ConceptGroup Bags = new("bags", DatasetKind.FashionMnist, [8]);

    /// <summary>One MNIST digit alone: "digit 3".</summary>
    public static ConceptGroup Digit(int digit) =>
        digit is >= 0 and <= 9 ? new($"digit {digit}", DatasetKind.Mnist, [digit])
                               : throw new ArgumentOutOfRangeException(nameof(digit), digit, "MNIST digits are 0..9");

    /// <summary>Every group of a dataset: the ten digits, or Fashion-MNIST's five groups (which cover its ten classes once each).</summary>
    public static IReadOnlyList<ConceptGroup> For(DatasetKind kind) => kind switch
    {
        DatasetKind.Mnist => Enumerable.Range(0, 10).Select(Digit).ToArray(),
        DatasetKind.FashionMnist => [Tops, Trousers, Dresses, Footwear, Bags],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown dataset"),
    };

    /// <summary>A group by name ("footwear", "digit 3"), as a notebook parameter gives it.</summary>
    public static ConceptGroup Named(DatasetKind kind, string name) =>
        For(kind).FirstOrDefault(g => string.Equals(g.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"{kind.DisplayName()} has no concept group '{name}'; known: {string.Join(", ", For(kind).Select(g => g.Name))}", nameof(name));
}
