using Xunit;
using RandCond.Notebooks.Execution;
using RandCond.Notebooks.Running;

namespace RandCond.Tests.Notebooks;

public class OutputJsonTests
{
    [Fact]
    public void Mime_bundle_stores_json_as_json_text_as_lines_and_binary_as_a_string()
    {
        var json = OutputJson.ToJson(new DisplayDataOutput(new Dictionary<string, string>
        {
            ["application/vnd.plotly.v1+json"] = "{\"data\": [{\"y\": [1, 2]}]}",
            ["image/png"] = "iVBORw0KGgo=",
            ["text/html"] = "<b>a</b>\n<i>b</i>",
        }));

        Assert.Equal("display_data", (string?)json["output_type"]);
        var data = json["data"]!;
        Assert.Equal(2, (int?)data["application/vnd.plotly.v1+json"]!["data"]![0]!["y"]![1]);
        Assert.Equal("iVBORw0KGgo=", (string?)data["image/png"]);
        Assert.Equal(["<b>a</b>\n", "<i>b</i>"], data["text/html"]!.AsArray().Select(l => (string?)l));
    }

    [Fact]
    public void Error_and_stream_outputs_follow_nbformat()
    {
        var error = OutputJson.ToJson(new ErrorOutput("System.Exception", "boom", ["System.Exception: boom", "   at <cell>"]));
        var stream = OutputJson.ToJson(new StreamOutput("stderr", "a\nb"));

        Assert.Equal("error", (string?)error["output_type"]);
        Assert.Equal("boom", (string?)error["evalue"]);
        Assert.Equal(2, error["traceback"]!.AsArray().Count);
        Assert.Equal("stderr", (string?)stream["name"]);
        Assert.Equal(["a\n", "b"], stream["text"]!.AsArray().Select(l => (string?)l));
    }

    [Fact]
    public async Task Many_small_writes_become_one_stream_output()
    {
        using var executor = new CellExecutor();
        var result = await executor.ExecuteAsync("for (var i = 0; i < 20000; i++) Console.Write('.');");
        var stream = Assert.IsType<StreamOutput>(Assert.Single(result.Outputs));
        Assert.Equal(20000, stream.Text.Length);
    }
}
