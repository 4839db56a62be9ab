using RandCond.Data.Attributes;

namespace RandCond.Data;

/// <summary>
/// Compositional MNIST captions: every caption names a digit and two stroke attributes, thickness ("thin" | "thick")
/// and slant ("upright" | "slanted"), as "a thick slanted seven". The corpus has one class per (digit, thickness, slant):
/// <c>label = digit * 4 + thickness bin * 2 + slant bin</c>, named "thick slanted seven". Its templates are
/// data/captions/mnist-attributes.txt, whose templates use the slots {thickness} and {slant} that this class defines.
/// </summary>
public static class AttributeCaptions
{
    /// <summary>Attribute combinations per digit (thickness bins × slant bins), as <see cref="AttributeBins"/> numbers them.</summary>
    public const int Combinations = AttributeBins.Combinations;

    /// <summary>The class of a digit drawn with the attribute combination (0..3).</summary>
    public static int Label(int digit, int combination) => digit * Combinations + combination;

    public static int Digit(int label) => label / Combinations;

    public static int Combination(int label) => label % Combinations;

    /// <summary>"thick slanted": the words of a combination.</summary>
    public static string Words(int combination) => $"{AttributeBins.Words(combination).Thickness} {AttributeBins.Words(combination).Slant}";

    /// <summary>The class names of the corpus: "thin upright zero" … "thick slanted nine".</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        Enumerable.Range(0, 10 * Combinations).Select(l => $"{Words(Combination(l))} {DatasetKind.Mnist.ClassNames()[Digit(l)]}").ToArray();

    /// <summary>The digit of every class label (Int64, any shape, on its device).</summary>
    public static Tensors.Tensor Digits(Tensors.Tensor labels) => Lookup(labels, Digit);

    /// <summary>The attribute combination of every class label (Int64, any shape, on its device).</summary>
    public static Tensors.Tensor CombinationsOf(Tensors.Tensor labels) => Lookup(labels, Combination);

    private static Tensors.Tensor Lookup(Tensors.Tensor labels, Func<int, int> map)
    {
        using var table = Tensors.Torch.FromArray(Enumerable.Range(0, 10 * Combinations).Select(l => (long)map(l)).ToArray(), device: labels.Device);
        using var flat = labels.Reshape(-1);
        using var picked = table.IndexSelect(0, flat);
        return picked.Reshape(labels.Shape);
    }

    /// <summary>The repository's data/captions/mnist-attributes.txt expanded for every combination.</summary>
    public static CaptionCorpus Full()
    {
        var repo = DatasetStore.FindRepositoryRoot()
            ?? throw new InvalidOperationException($"cannot find data/captions/mnist-attributes.txt: no RandCond repository above {Directory.GetCurrentDirectory()}; load the templates with AttributeCaptions.Load(path)");
        return Load(Path.Combine(repo, "data", "captions", "mnist-attributes.txt"));
    }

    public static CaptionCorpus Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>
    /// Expands template text (the format of data/README.md, with MNIST's ten classes) for every digit and combination.
    /// Fails, naming <paramref name="source"/>, on a template that leaves out {thickness} or {slant}: such a caption
    /// would name several classes.
    /// </summary>
    public static CaptionCorpus Parse(string text, string source)
    {
        var entries = new List<LabeledCaption>();
        for (int combination = 0; combination < Combinations; combination++)
        {
            // The attribute slots are appended as a last @slots section, so line numbers in errors stay those of the file.
            var (thickness, slant) = AttributeBins.Words(combination);
            var slots = $"\n@slots\nthickness: {thickness}\nslant: {slant}\n";
            var templates = CaptionTemplates.Parse(text + slots, source, DatasetKind.Mnist);
            if (combination == 0)
                foreach (var template in templates.Templates)
                    if (!template.Contains("{thickness}") || !template.Contains("{slant}"))
                        throw new FormatException($"{source}: the template '{template}' must name both {{thickness}} and {{slant}}");
            for (int digit = 0; digit < 10; digit++)
                entries.AddRange(templates.Expand(digit).Select(c => new LabeledCaption(c, Label(digit, combination))));
        }
        return new CaptionCorpus(DatasetKind.Mnist, ClassNames, entries);
    }
}
