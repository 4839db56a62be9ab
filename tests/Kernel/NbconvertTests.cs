using System.Text.Json.Nodes;
using Xunit;

namespace RandCond.Tests.Kernel;

/// <summary>`jupyter nbconvert --execute` (Debian's nbconvert and nbclient) runs a notebook through the kernel.</summary>
public class NbconvertTests
{
    [Fact]
    public void Nbconvert_executes_a_notebook_with_stream_result_and_html_display_outputs()
    {
        using var sandbox = new KernelSandbox();
        var notebook = sandbox.Combine("small.ipynb");
        File.WriteAllText(notebook, Notebook(
            "Console.WriteLine(\"hello from C#\");\nvar n = 6;",
            "n * 7",
            "record Html(string Body) { public Dictionary<string, string> ToMimeBundle() => new() { [\"text/html\"] = Body }; }\n"
                + "display(new Html(\"<b>bold</b>\"));"));

        var process = sandbox.RunProcess(KernelSandbox.Jupyter,
            ["nbconvert", "--execute", "--to", "notebook", "--output", "executed.ipynb",
             "--ExecutePreprocessor.timeout=60", notebook], TimeSpan.FromSeconds(90));

        Assert.True(process.ExitCode == 0, process.ToString());
        var cells = JsonNode.Parse(File.ReadAllText(sandbox.Combine("executed.ipynb")))!["cells"]!.AsArray();
        var stream = cells[0]!["outputs"]!.AsArray().Single()!;
        Assert.Equal("stream", (string?)stream["output_type"]);
        Assert.Equal("stdout", (string?)stream["name"]);
        Assert.Equal("hello from C#\n", Text(stream["text"]));

        var result = cells[1]!["outputs"]!.AsArray().Single()!;
        Assert.Equal("execute_result", (string?)result["output_type"]);
        Assert.Equal(2, (int)result["execution_count"]!);
        Assert.Equal("42", Text(result["data"]!["text/plain"]));

        var display = cells[2]!["outputs"]!.AsArray().Single()!;
        Assert.Equal("display_data", (string?)display["output_type"]);
        Assert.Equal("<b>bold</b>", Text(display["data"]!["text/html"]));
    }

    // nbformat stores multi-line text as a string or a list of lines.
    private static string Text(JsonNode? node) =>
        node is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)node ?? "";

    private static string Notebook(params string[] sources) => new JsonObject
    {
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["name"] = "randcond-csharp", ["display_name"] = "C# (RandCond)", ["language"] = "csharp" },
            ["language_info"] = new JsonObject { ["name"] = "csharp" },
        },
        ["cells"] = new JsonArray([.. sources.Select((source, i) => (JsonNode)new JsonObject
        {
            ["id"] = $"cell-{i}",
            ["cell_type"] = "code",
            ["metadata"] = new JsonObject(),
            ["execution_count"] = null,
            ["outputs"] = new JsonArray(),
            ["source"] = source,
        })]),
    }.ToJsonString();
}
