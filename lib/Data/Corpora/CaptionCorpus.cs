using RandCond.Tensors;

namespace RandCond.Data;

/// <summary>A caption and the class it describes.</summary>
public readonly record struct LabeledCaption(string Caption, int Label);

/// <summary>
/// A list of (caption, class label) pairs of one dataset: the text corpus C of random conditioning, or the captions
/// an image set D is paired with. A caption names one class only. The classes are the dataset's, unless the corpus is
/// given its own (e.g. "thick slanted seven": one class per digit and attribute combination). Captions are referred to by their index in
/// <see cref="Entries"/>; sampling returns index tensors, so a training step gathers token ids and labels from
/// <see cref="Encode"/> and <see cref="LabelTensor"/> without touching strings.
/// </summary>
public sealed class CaptionCorpus
{
    private readonly LabeledCaption[] entries;
    private readonly Dictionary<string, int> indexOf;
    private readonly long[] byLabel;   // entry indices grouped by label, in entry order within a label
    private readonly long[] offsets;   // where each label's run starts in byLabel
    private readonly long[] counts;    // captions per label

    public CaptionCorpus(DatasetKind kind, IEnumerable<LabeledCaption> captions) : this(kind, kind.ClassNames(), captions) { }

    /// <param name="classNames">the name of each class a label may take, in label order</param>
    public CaptionCorpus(DatasetKind kind, IReadOnlyList<string> classNames, IEnumerable<LabeledCaption> captions)
    {
        Kind = kind;
        ClassNames = classNames;
        int classes = classNames.Count;
        if (classes == 0) throw new ArgumentException("a caption corpus needs at least one class", nameof(classNames));
        indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var kept = new List<LabeledCaption>();
        foreach (var entry in captions)
        {
            if (entry.Label < 0 || entry.Label >= classes)
                throw new ArgumentException($"caption '{entry.Caption}' has label {entry.Label}; this {kind.DisplayName()} corpus has classes 0..{classes - 1}");
            if (indexOf.TryGetValue(entry.Caption, out var first))
            {
                int other = kept[first].Label;
                if (other != entry.Label)
                    throw new ArgumentException($"caption '{entry.Caption}' is given for class {other} ({classNames[other]}) and class {entry.Label} ({classNames[entry.Label]}); a caption must name one class");
                continue;
            }
            indexOf[entry.Caption] = kept.Count;
            kept.Add(entry);
        }
        entries = [.. kept];
        counts = new long[classes];
        foreach (var e in entries) counts[e.Label]++;
        offsets = new long[classes];
        for (int c = 1; c < classes; c++) offsets[c] = offsets[c - 1] + counts[c - 1];
        byLabel = Enumerable.Range(0, entries.Length).OrderBy(i => entries[i].Label).Select(i => (long)i).ToArray();
    }

    /// <summary>Every caption the dataset's templates (data/captions) expand to: the full corpus.</summary>
    public static CaptionCorpus Full(DatasetKind kind) => FromTemplates(kind, CaptionTemplates.For(kind));

    public static CaptionCorpus FromTemplates(DatasetKind kind, CaptionTemplates templates) =>
        new(kind, templates.ExpandAll().SelectMany((list, label) => list.Select(c => new LabeledCaption(c, label))));

    public DatasetKind Kind { get; }
    /// <summary>The name of each class, by label: the dataset's, or the corpus's own.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    public IReadOnlyList<LabeledCaption> Entries => entries;
    public int Count => entries.Length;
    public int NumClasses => counts.Length;

    /// <summary>The labels that have at least one caption here.</summary>
    public IReadOnlyList<int> Classes => Enumerable.Range(0, NumClasses).Where(c => counts[c] > 0).ToArray();

    public IReadOnlyList<string> CaptionsOf(int label) =>
        byLabel.Skip((int)offsets[label]).Take((int)counts[label]).Select(i => entries[i].Caption).ToArray();

    /// <summary>The index of a caption in <see cref="Entries"/>, or -1.</summary>
    public int IndexOf(string caption) => indexOf.TryGetValue(caption, out var i) ? i : -1;

    public bool Contains(LabeledCaption entry) => indexOf.TryGetValue(entry.Caption, out var i) && entries[i].Label == entry.Label;

    /// <summary>Whether every (caption, label) of <paramref name="other"/> is in this corpus.</summary>
    public bool Covers(CaptionCorpus other) => other.Kind == Kind && other.entries.All(Contains);

    /// <summary>The entries of <paramref name="other"/> this corpus lacks.</summary>
    public IReadOnlyList<LabeledCaption> Missing(CaptionCorpus other) => other.entries.Where(e => !Contains(e)).ToArray();

    /// <summary>This corpus without the captions of the group's classes (e.g. D's captions with footwear held out).</summary>
    public CaptionCorpus Excluding(ConceptGroup group) => Filter(group, keep: false);

    /// <summary>Only the captions of the group's classes.</summary>
    public CaptionCorpus Only(ConceptGroup group) => Filter(group, keep: true);

    /// <summary>Each entry's label, Int64 (N).</summary>
    public Tensor LabelTensor(Device? device = null) => Torch.FromArray(entries.Select(e => (long)e.Label).ToArray(), device: device);

    /// <summary>Each entry's token ids, Int64 (N, maxLength).</summary>
    public Tensor Encode(WordTokenizer tokenizer, int maxLength, Device? device = null) =>
        tokenizer.EncodeBatch(entries.Select(e => e.Caption).ToArray(), maxLength, device);

    /// <summary>
    /// For each label of <paramref name="labels"/> (Int64, any shape), the index of a caption of that class drawn
    /// uniformly from this corpus with <paramref name="generator"/>; the result has the labels' shape and device.
    /// </summary>
    public Tensor SampleForLabels(Tensor labels, Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        var device = labels.Device;
        var flat = labels.Reshape(-1);
        var available = Torch.FromArray(counts, device: device).IndexSelect(0, flat);
        if (flat.NumEl > 0 && available.Min().ItemLong() == 0)
        {
            var absent = flat.Index(available.Eq(0)).Cpu().ToArray<long>().Distinct();
            throw new ArgumentException($"no caption in this corpus for class {string.Join(", ", absent.Select(c => $"{c} ({ClassNames[(int)c]})"))}");
        }
        var start = Torch.FromArray(offsets, device: device).IndexSelect(0, flat);
        var u = Torch.Rand([flat.NumEl], generator, DType.Float64).To(device);
        var pick = start + (u * available.To(DType.Float64)).Floor().To(DType.Int64);
        var chosen = Torch.FromArray(byLabel, device: device).IndexSelect(0, pick);
        return chosen.Reshape(labels.Shape).MoveToOuterScope();
    }

    /// <summary><paramref name="count"/> caption indices drawn uniformly from the whole corpus (random conditioning's draw from C).</summary>
    public Tensor SampleUniform(long count, Generator generator, Device? device = null)
    {
        if (entries.Length == 0) throw new InvalidOperationException("cannot draw from an empty caption corpus");
        using var scope = Torch.NewDisposeScope();
        return Torch.Randint(0, entries.Length, [count], generator).To(device ?? generator.Device).MoveToOuterScope();
    }

    /// <summary>The captions at the given indices (host strings, for display and logs).</summary>
    public string[] CaptionsAt(Tensor indices)
    {
        using var host = indices.Cpu();
        return host.ToArray<long>().Select(i => entries[i].Caption).ToArray();
    }

    /// <summary>The entries that satisfy <paramref name="keep"/>, with this corpus's classes.</summary>
    public CaptionCorpus Where(Func<LabeledCaption, bool> keep) => new(Kind, ClassNames, entries.Where(keep));

    private CaptionCorpus Filter(ConceptGroup group, bool keep)
    {
        if (group.Kind != Kind) throw new ArgumentException($"concept group {group.Name} is of {group.Kind.DisplayName()}, this corpus of {Kind.DisplayName()}", nameof(group));
        if (!ClassNames.SequenceEqual(Kind.ClassNames()))
            throw new ArgumentException($"concept group {group.Name} names {Kind.DisplayName()} classes, but this corpus has its own {ClassNames.Count} classes; filter it with Where", nameof(group));
        return Where(e => group.Contains(e.Label) == keep);
    }

    public override string ToString() => $"CaptionCorpus({Kind.DisplayName()}, {Count} captions, classes {string.Join(",", Classes)})";
}
