using RandCond.Data;
using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.RandomConditioning;

public sealed class ConditionSamplerTests
{
    private static readonly CaptionCorpus Corpus = CaptionCorpus.Full(DatasetKind.Mnist);

    [Theory]
    [InlineData("exponential")]
    [InlineData("sigmoid")]
    [InlineData("linear")]
    public void Replacement_rate_over_100k_draws_matches_the_mean_of_p(string family)
    {
        var p = ReplacementProbability.Parse(family);
        using var sampler = new ConditionSampler(Corpus, p, 1000, nullProbability: 0.1);
        using var generator = new Generator(3);
        using var t = Torch.Randint(0, 1000, [100_000], generator);
        using var own = Torch.Zeros([100_000], DType.Int64);
        using var drawn = sampler.Sample(own, t, generator);
        using var replacedRate = drawn.Replaced.To(DType.Float64).Mean();
        using var droppedRate = drawn.Dropped.To(DType.Float64).Mean();
        double expected = p.Mean(1000);
        double tolerance = 4 * Math.Sqrt(expected * (1 - expected) / 100_000);
        Assert.InRange(replacedRate.Item(), expected - tolerance, expected + tolerance);
        Assert.InRange(droppedRate.Item(), 0.1 - 0.004, 0.1 + 0.004);
    }

    [Fact]
    public void Replacement_depends_on_t_and_kept_captions_are_unchanged()
    {
        using var sampler = new ConditionSampler(Corpus, ReplacementProbability.Sigmoid(), 1000, nullProbability: 0);
        using var generator = new Generator(4);
        using var low = Torch.Full([20_000], 100, DType.Int64);
        using var high = Torch.Full([20_000], 950, DType.Int64);
        using var own = Torch.Full([20_000], 5, DType.Int64);
        using var atLow = sampler.Sample(own, low, generator);
        using var atHigh = sampler.Sample(own, high, generator);
        using var lowRate = atLow.Replaced.To(DType.Float64).Mean();
        using var highRate = atHigh.Replaced.To(DType.Float64).Mean();
        Assert.True(lowRate.Item() < 0.001, $"p(100) is ~0, got a replacement rate of {lowRate.Item()}");
        Assert.InRange(highRate.Item(), 0.98, 1.0);
        using var keptCaptions = atHigh.Captions.Index(atHigh.Replaced.LogicalNot());
        Assert.All(keptCaptions.ToArray<long>(), c => Assert.Equal(5, c));
        using var replacedCaptions = atHigh.Captions.Index(atHigh.Replaced);
        var distinct = replacedCaptions.ToArray<long>().Distinct().Count();
        Assert.True(distinct > Corpus.Count / 2, $"random captions should cover C ({Corpus.Count}); saw {distinct} distinct");
    }

    [Fact]
    public void Dropped_samples_get_the_null_caption_tokens()
    {
        var tokenizer = WordTokenizer.ForDatasets();
        using var corpusTokens = Corpus.Encode(tokenizer, 8);
        using var nullTokens = tokenizer.NullTokens(1, 8).Reshape(-1);
        using var sampler = new ConditionSampler(Corpus, ReplacementProbability.Off, 1000, nullProbability: 0.5);
        using var generator = new Generator(5);
        using var own = Torch.Arange(64);
        using var t = Torch.Zeros([64], DType.Int64);
        using var drawn = sampler.Sample(own, t, generator);
        using var tokens = drawn.Tokens(corpusTokens, nullTokens);
        var dropped = drawn.Dropped.ToArray<bool>();
        var rows = tokens.ToArray<long>().Chunk(8).ToArray();
        var nullRow = nullTokens.ToArray<long>();
        var corpusRows = corpusTokens.ToArray<long>().Chunk(8).ToArray();
        for (int i = 0; i < 64; i++)
            Assert.Equal(dropped[i] ? nullRow : corpusRows[i], rows[i]);
        Assert.Contains(true, dropped);
        Assert.Contains(false, dropped);
    }
}
