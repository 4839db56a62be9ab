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
        using var keptCaptions = atHigh.Indices.Index(atHigh.Replaced.LogicalNot());
        Assert.All(keptCaptions.ToArray<long>(), c => Assert.Equal(5, c));
        using var replacedCaptions = atHigh.Indices.Index(atHigh.Replaced);
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

    [Fact]
    public void A_pool_of_class_ids_gives_ids_and_the_null_class_where_dropped()
    {
        using var classes = Torch.Arange(5);
        using var nullClass = Torch.Scalar(-1, DType.Int64);
        var pool = new ConditionPool(classes, nullClass);
        using var sampler = new ConditionSampler(pool.Count, ReplacementProbability.Constant(1), 1000, nullProbability: 0.3);
        using var generator = new Generator(6);
        using var own = Torch.Zeros([4000], DType.Int64);
        using var t = Torch.Randint(0, 1000, [4000], generator);
        using var drawn = sampler.Sample(own, t, generator);
        using var ids = drawn.Select(pool);
        Assert.Equal(new long[] { 4000 }, ids.Shape);
        var values = ids.ToArray<long>();
        var dropped = drawn.Dropped.ToArray<bool>();
        var indices = drawn.Indices.ToArray<long>();
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(dropped[i] ? -1 : indices[i], values[i]);
        Assert.Equal(new long[] { -1, 0, 1, 2, 3, 4 }, values.Distinct().Order().ToArray());
    }

    [Fact]
    public void A_null_condition_not_shaped_as_one_condition_is_refused()
    {
        using var classes = Torch.Arange(5);
        using var wrongShape = Torch.Zeros([2], DType.Int64);
        using var wrongType = Torch.Scalar(-1);
        using var empty = Torch.Zeros([0], DType.Int64);
        using var nullClass = Torch.Scalar(-1, DType.Int64);
        Assert.Contains("shaped as one condition", Assert.Throws<ArgumentException>(() => new ConditionPool(classes, wrongShape)).Message);
        Assert.Contains("shaped as one condition", Assert.Throws<ArgumentException>(() => new ConditionPool(classes, wrongType)).Message);
        Assert.Contains("at least one condition", Assert.Throws<ArgumentException>(() => new ConditionPool(empty, nullClass)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConditionSampler(0, ReplacementProbability.Off, 1000));
    }
}
