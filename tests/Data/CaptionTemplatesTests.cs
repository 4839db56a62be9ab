using RandCond.Data;
using Xunit;

namespace RandCond.Tests.Data;

public class CaptionTemplatesTests
{
    [Theory]
    [InlineData(DatasetKind.Mnist)]
    [InlineData(DatasetKind.FashionMnist)]
    public void EveryClassHasAtLeastTwentyDistinctCaptionsNamingIt(DatasetKind kind)
    {
        var templates = CaptionTemplates.For(kind);
        Assert.Equal(kind.ClassNames(), templates.ClassNames);
        for (int c = 0; c < kind.NumClasses(); c++)
        {
            var captions = templates.Expand(c);
            Assert.True(captions.Count >= 20, $"class {c} has {captions.Count} captions");
            Assert.Equal(captions.Count, captions.Distinct().Count());
            Assert.All(captions, s => Assert.Equal(s.Trim(), s));
            Assert.All(captions, s => Assert.DoesNotContain("{", s));
            foreach (var part in kind.ClassNames()[c].ToLowerInvariant().Split('/'))
                Assert.Contains(captions, s => s.Contains(part));
        }
    }

    [Fact]
    public void ExpansionIsDeterministicAndFitsArticles()
    {
        var mnist = CaptionTemplates.For(DatasetKind.Mnist);
        Assert.Equal(mnist.ExpandAll(), CaptionTemplates.For(DatasetKind.Mnist).ExpandAll());
        Assert.Contains("a thick handwritten seven", mnist.Expand(7));
        Assert.Contains("the digit 7", mnist.Expand(7));
        Assert.Contains("number seven written slanted", mnist.Expand(7));
        Assert.Contains("an eight written by hand", mnist.Expand(8));
        Assert.Contains("a one written by hand", mnist.Expand(1));

        var fashion = CaptionTemplates.For(DatasetKind.FashionMnist);
        Assert.Contains("an ankle boot", fashion.Expand(9));
        Assert.Contains("a pair of sneakers", fashion.Expand(7));
        Assert.Contains("a plain t-shirt", fashion.Expand(0));
        Assert.Contains("a striped pullover", fashion.Expand(2));
        Assert.Contains("an open-toed sandal", fashion.Expand(5));
        Assert.Contains("a photo of a pair of jeans", fashion.Expand(1));
    }

    [Fact]
    public void EveryCombinationOfSlotsInFileOrder()
    {
        var t = CaptionTemplates.Parse("""
            @slots
            size: small | large
            @templates
            {a} {size} {thing}
            the {thing}
            @class 0 first
            thing: cat | owl
            @class 1 second
            thing: apple
            a: one
            """, "inline");
        Assert.Equal(["a small cat", "a small owl", "a large cat", "a large owl", "the cat", "the owl"], t.Expand(0));
        Assert.Equal(["one small apple", "one large apple", "the apple"], t.Expand(1));
    }

    [Fact]
    public void ErrorsNameTheFileAndLine()
    {
        var missingSlot = Assert.Throws<FormatException>(() => CaptionTemplates.Parse("@templates\nthe {thing} is {colour}\n@class 0 x\nthing: a\n", "t.txt"));
        Assert.Contains("t.txt:2", missingSlot.Message);
        Assert.Contains("colour", missingSlot.Message);

        var wrongName = Assert.Throws<FormatException>(() => CaptionTemplates.Parse(
            "@templates\nthe digit\n" + string.Join("\n", Enumerable.Range(0, 10).Select(i => $"@class {i} {(i == 3 ? "tree" : DatasetKind.Mnist.ClassNames()[i])}")),
            "m.txt", DatasetKind.Mnist));
        Assert.Contains("m.txt:", wrongName.Message);
        Assert.Contains("'three'", wrongName.Message);

        var order = Assert.Throws<FormatException>(() => CaptionTemplates.Parse("@templates\nx\n@class 1 a\n", "o.txt"));
        Assert.Contains("o.txt:3", order.Message);

        var slotLine = Assert.Throws<FormatException>(() => CaptionTemplates.Parse("@slots\nno colon here\n", "s.txt"));
        Assert.Contains("s.txt:2", slotLine.Message);
    }
}
