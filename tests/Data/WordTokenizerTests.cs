using RandCond.Data;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Data;

public class WordTokenizerTests
{
    private static readonly Lazy<WordTokenizer> Shared = new(WordTokenizer.ForDatasets);
    private static WordTokenizer Tokenizer => Shared.Value;

    private static IEnumerable<string> AllCaptions() =>
        Enum.GetValues<DatasetKind>().SelectMany(k => CaptionTemplates.For(k).ExpandAll().SelectMany(c => c));

    [Fact]
    public void VocabularyHoldsSpecialsThenEveryCaptionWord()
    {
        Assert.Equal(["<pad>", "<bos>", "<eos>", "<unk>", "<null>"], Tokenizer.Vocabulary.Take(5));
        var words = AllCaptions().SelectMany(WordTokenizer.Words).Distinct().ToArray();
        Assert.Equal(words.Length + 5, Tokenizer.VocabularySize);
        Assert.All(words, w => Assert.NotEqual(WordTokenizer.UnknownId, Tokenizer.IdOf(w)));
        Assert.Equal(["a", "t", "shirt", "7", "sneakers"], WordTokenizer.Words("A T-shirt, 7 SNEAKERS!"));
    }

    [Fact]
    public void EncodeDecodeRoundTripsWithPadding()
    {
        foreach (var caption in AllCaptions())
        {
            var ids = Tokenizer.Encode(caption, 16);
            Assert.Equal(16, ids.Length);
            Assert.Equal(WordTokenizer.BosId, ids[0]);
            int words = WordTokenizer.Words(caption).Length;
            Assert.Equal(WordTokenizer.EosId, ids[words + 1]);
            Assert.All(ids[(words + 2)..], id => Assert.Equal(WordTokenizer.PadId, id));
            Assert.Equal(string.Join(' ', WordTokenizer.Words(caption)), Tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void UnknownWordsTruncationAndTheNullCaption()
    {
        var ids = Tokenizer.Encode("a purple seven", 8);
        Assert.Equal(WordTokenizer.UnknownId, ids[2]);
        Assert.Equal("a <unk> seven", Tokenizer.Decode(ids));

        var cut = Tokenizer.Encode("a thick handwritten seven", 4);
        Assert.Equal([WordTokenizer.BosId, Tokenizer.IdOf("a"), Tokenizer.IdOf("thick"), WordTokenizer.EosId], cut);

        var nothing = Tokenizer.Encode("", 6);
        Assert.Equal([WordTokenizer.BosId, WordTokenizer.NullId, WordTokenizer.EosId, 0L, 0L, 0L], nothing);
        Assert.Equal("", Tokenizer.Decode(nothing));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Encode("seven", 2));
    }

    [Fact]
    public void BatchEncodingGivesARowPerCaption()
    {
        string[] captions = ["the digit 7", "", "an ankle boot"];
        using var batch = Tokenizer.EncodeBatch(captions, 10);
        Assert.Equal([3L, 10], batch.Shape);
        Assert.Equal(DType.Int64, batch.DType);
        Assert.Equal(captions.SelectMany(c => Tokenizer.Encode(c, 10)), TensorValues.Longs(batch));

        using var nulls = Tokenizer.NullTokens(2, 5);
        Assert.Equal([1L, 4, 2, 0, 0, 1, 4, 2, 0, 0], TensorValues.Longs(nulls));
    }

    [Fact]
    public void SavedVocabularyLoadsBack()
    {
        using var folder = new ScratchFolder();
        var path = folder.Combine("vocab.txt");
        Tokenizer.Save(path);
        var loaded = WordTokenizer.Load(path);
        Assert.Equal(Tokenizer.Vocabulary, loaded.Vocabulary);
        Assert.Equal(Tokenizer.Encode("a pair of sneakers", 8), loaded.Encode("a pair of sneakers", 8));

        File.WriteAllLines(path, ["<pad>", "<bos>", "<eos>", "<unk>", "<null>", "boot", "boot"]);
        var e = Assert.Throws<FormatException>(() => WordTokenizer.Load(path));
        Assert.Contains($"{path}:7", e.Message);
        File.WriteAllLines(path, ["<bos>", "<pad>"]);
        Assert.Throws<FormatException>(() => WordTokenizer.Load(path));
    }
}
