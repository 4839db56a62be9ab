using RandCond.Data;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Data;

[Collection("datasets")]
public class CaptionCorpusTests(DatasetsFixture data)
{
    private static readonly CaptionCorpus Fashion = CaptionCorpus.Full(DatasetKind.FashionMnist);

    [Fact]
    public void ExcludingFootwearRemovesExactlyTheFootwearCaptions()
    {
        var d = Fashion.Excluding(ConceptGroups.Footwear);
        var footwear = Fashion.Entries.Where(e => e.Label is 5 or 7 or 9).ToHashSet();
        Assert.NotEmpty(footwear);
        Assert.Equal(Fashion.Entries.Where(e => !footwear.Contains(e)), d.Entries);
        Assert.Equal([0, 1, 2, 3, 4, 6, 8], d.Classes);
        Assert.Equal(footwear.OrderBy(e => e.Caption), Fashion.Only(ConceptGroups.Footwear).Entries.OrderBy(e => e.Caption));
        Assert.True(Fashion.Covers(d));
        Assert.False(d.Covers(Fashion));
    }

    [Fact]
    public void ConceptGroupsPartitionTheClasses()
    {
        foreach (var kind in Enum.GetValues<DatasetKind>())
            Assert.Equal(Enumerable.Range(0, 10), ConceptGroups.For(kind).SelectMany(g => g.Classes).Order());
        Assert.Equal([3], ConceptGroups.Named(DatasetKind.Mnist, "digit 3").Classes);
        Assert.Equal([0, 2, 4, 6], ConceptGroups.Named(DatasetKind.FashionMnist, "Tops").Classes);
        Assert.Throws<ArgumentException>(() => ConceptGroups.Named(DatasetKind.FashionMnist, "hats"));
        Assert.Throws<ArgumentException>(() => Fashion.Excluding(ConceptGroups.Digit(3)));
    }

    [Fact]
    public void ACaptionNamesOneClass()
    {
        var e = Assert.Throws<ArgumentException>(() => new CaptionCorpus(DatasetKind.Mnist, [new("a digit", 1), new("a digit", 2)]));
        Assert.Contains("'a digit'", e.Message);
        Assert.Equal(1, new CaptionCorpus(DatasetKind.Mnist, [new("a one", 1), new("a one", 1)]).Count);
    }

    [Fact]
    public void SamplingForLabelsIsUniformWithinTheClassAndSeeded()
    {
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);
        using var labels = Torch.FromArray(Enumerable.Range(0, 20000).Select(i => (long)(i % 10)).ToArray());
        Tensor Draw(ulong seed) { using var g = new Generator(seed); return corpus.SampleForLabels(labels, g); }
        using var first = Draw(5);
        using var again = Draw(5);
        using var other = Draw(6);
        var picks = TensorValues.Longs(first);
        Assert.Equal(picks, TensorValues.Longs(again));
        Assert.NotEqual(picks, TensorValues.Longs(other));
        Assert.All(picks.Select((p, i) => (p, i)), x => Assert.Equal(x.i % 10, corpus.Entries[(int)x.p].Label));

        var perClass = picks.Where((p, i) => i % 10 == 3).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(corpus.CaptionsOf(3).Count, perClass.Count); // every caption of the class is drawn
        double expected = 2000.0 / perClass.Count;
        Assert.All(perClass.Values, n => Assert.InRange(n, expected * 0.5, expected * 1.6));

        using var g = new Generator(1);
        using var held = Torch.FromArray(new long[] { 0, 3 });
        var e = Assert.Throws<ArgumentException>(() => corpus.Excluding(ConceptGroups.Digit(3)).SampleForLabels(held, g));
        Assert.Contains("class 3", e.Message);
    }

    [Fact]
    public void TokensAndLabelsGatherByCaptionIndex()
    {
        var tokenizer = WordTokenizer.ForDatasets();
        using var g = new Generator(2);
        using var indices = Fashion.SampleUniform(64, g);
        using var tokens = Fashion.Encode(tokenizer, 12);
        using var labels = Fashion.LabelTensor();
        using var batchTokens = tokens.IndexSelect(0, indices);
        using var batchLabels = labels.IndexSelect(0, indices);
        var captions = Fashion.CaptionsAt(indices);
        Assert.Equal(captions.SelectMany(c => tokenizer.Encode(c, 12)), TensorValues.Longs(batchTokens));
        Assert.Equal(captions.Select(c => (long)Fashion.Entries[Fashion.IndexOf(c)].Label), TensorValues.Longs(batchLabels));
    }

    [Fact]
    public void TextCorpusMustContainTheImageSetCaptions()
    {
        using var g = new Generator(3);
        var dCaptions = Fashion.Excluding(ConceptGroups.Footwear);
        using var d = ImageSet.FromDataset(data.FashionTest, dCaptions, g);
        Assert.Equal(7000, d.Count);
        Assert.DoesNotContain(TensorValues.Longs(d.Labels), l => l is 5 or 7 or 9);

        var ok = new DistillationData(d, Fashion);
        Assert.Same(Fashion, ok.TextCorpus);

        var e = Assert.Throws<ArgumentException>(() => new DistillationData(d, Fashion.Excluding(ConceptGroups.Bags)));
        Assert.Contains("must contain every caption of the image set D", e.Message);
        Assert.Contains("Bag", e.Message);
    }

    [Fact]
    public void ImageSetBatchesCarryCaptionsOfTheirClass()
    {
        using var g = new Generator(4);
        using var d = ImageSet.FromDataset(data.MnistTest, CaptionCorpus.Full(DatasetKind.Mnist).Excluding(ConceptGroups.Digit(3)), g);
        var c = CaptionCorpus.Full(DatasetKind.Mnist);
        var both = new DistillationData(d, c);
        var seen = new List<long>();
        foreach (var batch in d.Batches(4096, g))
        {
            using (batch)
            {
                seen.AddRange(TensorValues.Longs(batch.Indices));
                using var trueLabels = d.Labels.IndexSelect(0, batch.Indices);
                var labels = TensorValues.Longs(batch.Labels);
                Assert.Equal(TensorValues.Longs(trueLabels), labels);
                Assert.DoesNotContain(3L, labels);
                var captions = d.Captions.CaptionsAt(batch.CaptionIndices);
                Assert.All(captions.Zip(labels), x => Assert.Equal(x.Second, d.Captions.Entries[d.Captions.IndexOf(x.First)].Label));
                using var inC = both.ToTextCorpusIndices(batch.CaptionIndices);
                Assert.Equal(captions, c.CaptionsAt(inC));
            }
        }
        Assert.Equal(10000 - 1010, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }
}
