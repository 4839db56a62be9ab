using RandCond.Tensors;

namespace RandCond.Data;

/// <summary>
/// The data of random conditioning: the image set D and the text corpus C, which always contains every caption D
/// is paired with (C may name concepts D has no images of). The constructor enforces C ⊇ D's captions.
/// </summary>
public sealed class DistillationData
{
    public DistillationData(ImageSet images, CaptionCorpus textCorpus)
    {
        if (textCorpus.Kind != images.Captions.Kind)
            throw new ArgumentException($"the text corpus C is of {textCorpus.Kind.DisplayName()}, the image set D of {images.Captions.Kind.DisplayName()}");
        var missing = textCorpus.Missing(images.Captions);
        if (missing.Count > 0)
            throw new ArgumentException(
                $"the text corpus C must contain every caption of the image set D, but lacks {missing.Count} of D's {images.Captions.Count}, e.g. " +
                string.Join("; ", missing.Take(3).Select(m => $"'{m.Caption}' (class {m.Label}, {textCorpus.ClassNames[m.Label]})")) +
                ". Build C from the full corpus and D's captions with CaptionCorpus.Excluding.", nameof(textCorpus));
        Images = images;
        TextCorpus = textCorpus;
        corpusIndexOf = images.Captions.Entries.Select(e => (long)textCorpus.IndexOf(e.Caption)).ToArray();
    }

    private readonly long[] corpusIndexOf;

    /// <summary>D: images paired with captions.</summary>
    public ImageSet Images { get; }

    /// <summary>C: the captions random conditioning draws from.</summary>
    public CaptionCorpus TextCorpus { get; }

    /// <summary>Maps indices into D's captions (as <see cref="CaptionedBatch.CaptionIndices"/>) to indices of the same captions in C.</summary>
    public Tensor ToTextCorpusIndices(Tensor imageCaptionIndices)
    {
        using var map = Torch.FromArray(corpusIndexOf, device: imageCaptionIndices.Device);
        return map.IndexSelect(0, imageCaptionIndices);
    }
}
