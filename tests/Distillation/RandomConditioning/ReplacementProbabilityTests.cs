using RandCond.Distillation;

namespace RandCond.Tests.Distillation.RandomConditioning;

public sealed class ReplacementProbabilityTests
{
    [Theory]
    [InlineData(200, 0.018)]
    [InlineData(500, 0.082)]
    [InlineData(800, 0.368)]
    [InlineData(900, 0.607)]
    public void Exponential_matches_the_published_values(int t, double expected) =>
        Assert.Equal(expected, ReplacementProbability.Exponential().At(t, 1000), 1e-3);

    [Theory]
    [InlineData(600, 0.119)]
    [InlineData(700, 0.5)]
    [InlineData(800, 0.881)]
    public void Sigmoid_matches_the_published_values(int t, double expected) =>
        Assert.Equal(expected, ReplacementProbability.Sigmoid().At(t, 1000), 1e-3);

    [Fact]
    public void Means_are_the_expected_replacement_rates()
    {
        Assert.Equal((1 - Math.Exp(-5)) / 5, ReplacementProbability.Exponential().Mean(1000), 1e-2);
        Assert.InRange(ReplacementProbability.Sigmoid().Mean(1000), 0.29, 0.31);
        Assert.Equal(0.4995, ReplacementProbability.Linear().Mean(1000), 1e-4);
        Assert.Equal(0, ReplacementProbability.Off.Mean(1000));
    }

    [Fact]
    public void Defaults_follow_the_students_initialization()
    {
        Assert.StartsWith("exponential", ReplacementProbability.DefaultFor(teacherInitialized: true).Name);
        Assert.StartsWith("sigmoid", ReplacementProbability.DefaultFor(teacherInitialized: false).Name);
    }

    [Fact]
    public void Parse_reads_every_family_and_rejects_unknown_names()
    {
        Assert.Equal(Math.Exp(-3 * 0.5), ReplacementProbability.Parse("exponential:3").At(500, 1000), 12);
        Assert.Equal(0.25, ReplacementProbability.Parse("constant:0.25").At(10, 1000));
        Assert.Equal(0.5, ReplacementProbability.Parse("sigmoid:10:0.5").At(500, 1000), 12);
        var error = Assert.Throws<ArgumentException>(() => ReplacementProbability.Parse("cosine"));
        Assert.Contains("cosine", error.Message);
    }

    [Fact]
    public void A_custom_function_outside_0_1_is_reported_with_its_name()
    {
        var broken = ReplacementProbability.Custom("twice-linear", u => 2 * u);
        Assert.Equal(0.5, broken.At(250, 1000));
        var error = Assert.Throws<InvalidOperationException>(() => broken.At(900, 1000));
        Assert.Contains("twice-linear", error.Message);
    }
}
