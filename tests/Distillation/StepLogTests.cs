using RandCond.Distillation;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Tests.Distillation;

/// <summary>The reports a checkpoint carries: they survive the round trip, a diverged loss included, and bad ones are refused by name.</summary>
public class StepLogTests
{
    private static StepLog LogOf(params float[][] steps)
    {
        var log = new StepLog(totalSteps: 100, batchSize: 4, logEvery: 1, budget: null);
        for (int i = 0; i < steps.Length; i++)
        {
            using var terms = Torch.FromArray(steps[i]);
            log.Add(terms);
            log.Read(i);
        }
        return log;
    }

    private static Dictionary<string, string> Meta(string json) => new() { [StepLog.MetadataKey] = json };

    [Fact]
    public void Reports_written_to_a_checkpoint_come_back_with_their_steps_and_means()
    {
        using var log = LogOf([1.5f, 0.5f], [float.NaN, 0.25f]);
        using var restored = new StepLog(100, 4, 1, null);
        restored.Restore(Meta(log.ReportsJson()), "c.safetensors", terms: 2);

        Assert.Equal([1, 2], restored.Reports.Select(r => r.Step));
        Assert.Equal([1.5, 0.5], restored.Reports[0].Means);
        Assert.True(double.IsNaN(restored.Reports[1].Means[0]));
        Assert.Equal(0.25, restored.Reports[1].Means[1]);
        Assert.Equal(log.Reports[0].ImagesPerSecond, restored.Reports[0].ImagesPerSecond);
    }

    [Fact]
    public void A_checkpoint_without_reports_restores_none_and_replaces_what_was_there()
    {
        using var log = LogOf([1f]);
        log.Restore(new Dictionary<string, string>(), "old.safetensors", terms: 1);
        Assert.Empty(log.Reports);
    }

    [Theory]
    [InlineData("not json", "is not valid JSON")]
    [InlineData("{\"a\": 1}", "is not a JSON array")]
    [InlineData("[[1, 10.0, 0.5]]", "is not [step, images/s, 2 means]")]
    [InlineData("[[1, 10.0, 0.5, \"x\"]]", "is not a number")]
    [InlineData("[[2, 10.0, 0.5, 0.5], [2, 10.0, 0.5, 0.5]]", "has step 2")]
    [InlineData("[[1.5, 10.0, 0.5, 0.5]]", "has step 1.5")]
    public void Malformed_reports_are_refused_naming_the_checkpoint_and_key(string json, string why)
    {
        using var log = new StepLog(100, 4, 1, null);
        var e = Assert.Throws<InvalidDataException>(() => log.Restore(Meta(json), "bad.safetensors", terms: 2));
        Assert.Contains("bad.safetensors", e.Message);
        Assert.Contains(StepLog.MetadataKey, e.Message);
        Assert.Contains(why, e.Message);
    }
}
