using RandCond.Data;

namespace RandCond.Experiments;

/// <summary>Subsets of a caption corpus with the same number of captions for every class, for the text-size ablation.</summary>
public static class BalancedCaptions
{
    /// <summary>
    /// <paramref name="size"/> captions, size / classes of each class that has captions (so every class keeps some, a
    /// held-out one included), drawn by a seeded shuffle of each class's captions: with one seed, a smaller subset is
    /// contained in every larger one. The size of the whole corpus returns the corpus itself.
    /// </summary>
    public static CaptionCorpus Subset(CaptionCorpus corpus, int size, int seed = 0)
    {
        if (size == corpus.Count) return corpus;
        var classes = corpus.Classes;
        if (size < classes.Count || size % classes.Count != 0)
            throw new ArgumentException($"a balanced caption subset of {corpus} needs a positive multiple of its {classes.Count} classes (or all {corpus.Count}), got {size}", nameof(size));
        int perClass = size / classes.Count;
        int fewest = classes.Min(c => corpus.CaptionsOf(c).Count);
        if (perClass > fewest)
            throw new ArgumentException($"a balanced caption subset of {size} needs {perClass} captions per class; {corpus} has only {fewest} for some class", nameof(size));
        var kept = classes.SelectMany(c =>
        {
            var captions = corpus.CaptionsOf(c).ToArray();
            new Random(seed * 1_000 + c).Shuffle(captions);
            return captions.Take(perClass).Select(caption => new LabeledCaption(caption, c));
        });
        return new CaptionCorpus(corpus.Kind, corpus.ClassNames, kept);
    }
}
