using RandCond.Data;
using RandCond.Data.Attributes;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Data;

public class AttributeCaptionsTests
{
    private static readonly CaptionCorpus Corpus = AttributeCaptions.Full();

    [Fact]
    public void EveryDigitAndCombinationHasCaptionsThatNameAllThree()
    {
        Assert.Equal(40, Corpus.NumClasses);
        Assert.Equal(Enumerable.Range(0, 40), Corpus.Classes);
        foreach (var entry in Corpus.Entries)
        {
            var words = WordTokenizer.Words(entry.Caption);
            int digit = AttributeCaptions.Digit(entry.Label), combination = AttributeCaptions.Combination(entry.Label);
            Assert.Contains(AttributeBins.ThicknessWords[combination / 2], words);
            Assert.Contains(AttributeBins.SlantWords[combination % 2], words);
            Assert.DoesNotContain(AttributeBins.ThicknessWords[1 - combination / 2], words);
            Assert.DoesNotContain(AttributeBins.SlantWords[1 - combination % 2], words);
            Assert.True(words.Contains(DatasetKind.Mnist.ClassNames()[digit]) || words.Contains(digit.ToString()), entry.Caption);
        }
        int seven = AttributeCaptions.Label(7, AttributeBins.Combination(thicknessBin: 1, slantBin: 1));
        Assert.Equal(seven, Corpus.Entries[Corpus.IndexOf("a thick slanted seven")].Label);
        Assert.Equal("thick slanted seven", Corpus.ClassNames[seven]);
        Assert.Equal(Corpus.CaptionsOf(0).Count, Corpus.CaptionsOf(39).Count);
    }

    [Fact]
    public void CaptionsFitTheTeachersCaptionLength()
    {
        Assert.All(Corpus.Entries, e => Assert.True(WordTokenizer.EncodedLength(e.Caption) <= 12, e.Caption));
    }

    [Fact]
    public void ATemplateWithoutBothAttributesIsRefusedByName()
    {
        var text = File.ReadAllText(Path.Combine(DatasetStore.FindRepositoryRoot()!, "data", "captions", "mnist-attributes.txt"))
            .Replace("@templates\n", "@templates\nthe digit {name} written {thickness}\n");
        var e = Assert.Throws<FormatException>(() => AttributeCaptions.Parse(text, "broken.txt"));
        Assert.Contains("broken.txt", e.Message);
        Assert.Contains("the digit {name} written {thickness}", e.Message);
    }

    [Fact]
    public void FineClassesSampleTheirOwnCaptionsAndRefuseDigitGroups()
    {
        using var labels = Torch.FromArray(Enumerable.Range(0, 400).Select(i => (long)(i % 40)).ToArray());
        using var g = new Generator(3);
        using var picks = Corpus.SampleForLabels(labels, g);
        var chosen = TensorValues.Longs(picks);
        Assert.All(chosen.Select((p, i) => (p, i)), x => Assert.Equal(x.i % 40, Corpus.Entries[(int)x.p].Label));

        var e = Assert.Throws<ArgumentException>(() => Corpus.Excluding(ConceptGroups.Digit(3)));
        Assert.Contains("its own 40 classes", e.Message);
        var withoutThickSevens = Corpus.Where(c => c.Label != AttributeCaptions.Label(7, 3));
        Assert.Equal(Corpus.Count - Corpus.CaptionsOf(31).Count, withoutThickSevens.Count);
        Assert.Equal(Corpus.ClassNames, withoutThickSevens.ClassNames);
    }
}
