using System.Text.Json.Nodes;
using RandCond.Experiments;

namespace RandCond.Tests.Notebooks;

/// <summary>Notebooks show committed records as typed results: they load with their snake_case fields, and a bad one is named.</summary>
public sealed class TypedRecordTests
{
    [Fact]
    public void The_paper_scale_altered_conditioning_record_loads_as_its_result()
    {
        var paper = AlteredConditioningResult.Recorded("altered-conditioning-paper-cuda.json");

        Assert.NotNull(paper);
        Assert.Equal("altered-conditioning", paper.Experiment);
        Assert.Equal("paper", paper.Scale);
        Assert.Equal(AlteredConditioningConfig.Paper.Timesteps, paper.Rows.Select(r => r.T));
        Assert.All(paper.Rows, r => Assert.Equal(1000, r.Images));
        var raw = JsonNode.Parse(File.ReadAllText(RepoPaths.Results("altered-conditioning-paper-cuda.json")))!["rows"]![8]!;
        Assert.Equal((double)raw["follows_new_condition"]!, paper.Rows[8].FollowsNew);
        Assert.Equal((double)raw["keeps_original_class"]!, paper.Rows[8].KeepsOriginal);
        Assert.StartsWith("results/altered-conditioning-paper-cuda.json: NVIDIA", paper.Provenance);
        Assert.Contains("commit 58d9907befad", paper.Provenance);
        Assert.StartsWith("1000 MNIST test images", paper.ImageDraw);
        Assert.True(paper.FirstFollowingNew!.T > paper.LastKeepingOriginal!.T);
        Assert.Equal(paper.Rows.Count, paper.Table().Rows.Count);
        Assert.Null(AlteredConditioningResult.Recorded("no-such-record.json"));
    }

    [Fact]
    public void A_written_result_reads_back_equal()
    {
        var original = AlteredConditioningResult.Load(RepoPaths.Results("altered-conditioning-quick-cpu.json"));
        var path = Path.Combine(Path.GetTempPath(), $"randcond-typed-{Guid.NewGuid():N}.json");
        try
        {
            RecordedRuns.Write(path, original);
            var back = AlteredConditioningResult.Load(path);

            Assert.Equal(original.Rows, back.Rows);
            Assert.Equal(original.GitCommit, back.GitCommit);
            Assert.Equal(original.Sampler, back.Sampler);
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.NotNull(json["rows"]![0]!["follows_new_condition"]);
            Assert.NotNull(json["date_utc"]);
            Assert.NotNull(json["classifier_test_accuracy"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"scale": "x", "teacher": "t", "classifier": "c", "images": "i", "sampler": "s"}""", "rows")]
    [InlineData("""{"scale": "x", "teacher": "t", "classifier": "c", "images": "i", "sampler": "s", "rows": [{"t": 0, "alpha_bar": 1, "sampling_steps": 1, "images": 2, "keeps_original_class": 1}]}""", "follows")]
    [InlineData("""{"scale": "x", "teacher": "t", "classifier": "c", "images": "i", "sampler": "s", "rows": [{"t": "zero"}]}""", "$.rows[0].t")]
    [InlineData("""[1, 2]""", "AlteredConditioningResult")]
    public void A_bad_record_names_the_file_and_the_field(string json, string named)
    {
        var path = Path.Combine(Path.GetTempPath(), $"randcond-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => AlteredConditioningResult.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains(named, e.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
