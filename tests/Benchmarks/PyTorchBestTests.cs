using System.Text.Json.Nodes;
using RandCond.Benchmarks;

namespace RandCond.Tests.Benchmarks;

/// <summary>PyTorch's best timing of a benchmark run, which randcond-bench compares every C# configuration with.</summary>
public class PyTorchBestTests
{
    // The shape of distill_step.py's "variants" (and sample.py's "teacher"/"student") in one run, per PyTorch configuration.
    private const string Tf32 = """{"eager": {"ms_median": 63.7, "ms_min": 61.0, "loss_first": 6.0, "loss_last": 3.5}, "graph": {"ms_median": 39.7, "ms_min": 39.1}}""";
    private const string Bf16 = """{"eager": {"ms_median": 85.0}, "graph": {"ms_median": 31.8}, "compile-default": {"ms_median": 75.1}}""";
    private const string Bf16Compiled = """{"compile-reduce-overhead": {"ms_median": 18.5}, "compile-max-autotune": "unavailable: TimeoutError: compile took too long"}""";

    private static List<PyTorchTiming> Read(string config, string json) =>
        PyTorchBest.Read(config, JsonNode.Parse(json)!.AsObject(), $"test {config}");

    [Fact]
    public void Best_is_the_smallest_median_over_every_configuration_and_variant()
    {
        var timings = Read("tf32", Tf32).Concat(Read("tf32+bf16", Bf16)).Concat(Read("tf32+bf16", Bf16Compiled)).ToList();

        var best = PyTorchBest.Of(timings);

        Assert.NotNull(best);
        Assert.Equal("tf32+bf16 compile-reduce-overhead", best.Name);
        Assert.Equal(18.5, best.MsMedian);
        Assert.Equal(7, timings.Count);
    }

    [Fact]
    public void Unavailable_variants_are_kept_with_their_reason_but_never_chosen()
    {
        var timings = Read("tf32+bf16", Bf16Compiled);

        var unavailable = Assert.Single(timings, t => t.MsMedian is null);
        Assert.Equal("compile-max-autotune", unavailable.Variant);
        Assert.StartsWith("unavailable: TimeoutError", unavailable.Unavailable);
        Assert.Equal("compile-reduce-overhead", PyTorchBest.Of(timings)!.Variant);
        Assert.Null(PyTorchBest.Of([unavailable]));
    }

    [Fact]
    public void Best_is_eager_when_nothing_else_was_timed()
    {
        var best = PyTorchBest.Of(Read("fp32", """{"eager": {"ms_median": 12616.7}}""").Concat(Read("cl", """{"eager": {"ms_median": 9000.5}}""")));

        Assert.Equal("cl eager", best!.Name);
    }

    [Fact]
    public void A_variant_without_a_numeric_median_is_an_error_naming_it()
    {
        var e = Assert.Throws<FormatException>(() => Read("tf32", """{"eager": {"ms_median": 1.0}, "graph": {"ms_min": 2.0}}"""));

        Assert.Contains("test tf32", e.Message);
        Assert.Contains("'graph'", e.Message);
    }

    [Fact]
    public void Timings_serialize_with_their_name_median_and_reason()
    {
        var json = new PyTorchTiming("tf32+bf16", "graph", null, "unavailable: capture failed").ToJson();

        Assert.Equal("tf32+bf16 graph", json["name"]!.GetValue<string>());
        Assert.Null(json["ms_median"]);
        Assert.Equal("unavailable: capture failed", json["unavailable"]!.GetValue<string>());
    }
}
