using Xunit;
using System.Text.Json.Nodes;
using RandCond.Notebooks;

namespace RandCond.Tests.Notebooks;

public class NotebookFileTests
{
    [Theory]
    [InlineData("polyglot-outputs.ipynb")]
    [InlineData("jupyter-python.ipynb")]
    [InlineData("parameters.ipynb")]
    public void Read_write_read_gives_equal_json(string fixture)
    {
        using var temp = new TempFolder();
        var original = JsonNode.Parse(File.ReadAllText(Fixtures.PathOf(fixture)));

        var notebook = NotebookFile.Read(Fixtures.PathOf(fixture));
        var copy = temp.Combine(fixture);
        NotebookFile.Write(notebook, copy);

        Assert.True(JsonNode.DeepEquals(original, JsonNode.Parse(File.ReadAllText(copy))));
        Assert.True(JsonNode.DeepEquals(original, NotebookFile.Read(copy).ToJsonObject()));
    }

    [Fact]
    public void Written_file_is_laid_out_like_jupyter()
    {
        var text = NotebookFile.ToJson(NotebookFile.Read(Fixtures.PathOf("polyglot-outputs.ipynb")));

        Assert.StartsWith("{\n \"cells\": [\n  {\n   \"cell_type\": \"markdown\"", text);
        Assert.EndsWith("}\n", text);
        Assert.Contains("ᾱ over t", text); // non-ASCII written as is, not \u escapes
        Assert.Contains("<table>", text);
        Assert.DoesNotContain("\r", text);
    }

    [Fact]
    public void Reads_cells_and_polyglot_metadata()
    {
        var notebook = NotebookFile.Read(Fixtures.PathOf("polyglot-outputs.ipynb"));

        Assert.Equal(".net-csharp", (string?)notebook.Metadata["kernelspec"]?["name"]);
        Assert.Equal(["markdown", "code", "code", "code", "code"], notebook.Cells.Select(c => c.CellType));
        var parameters = notebook.Cells[1];
        Assert.True(parameters.HasTag("parameters"));
        Assert.Equal("csharp", parameters.Language);
        Assert.Equal("int steps = 1000;\ndouble betaStart = 1e-4;\nstring schedule = \"linear\";", parameters.Source);
        Assert.StartsWith("Console.WriteLine", notebook.Cells[2].Source); // stored as one string
        Assert.Equal(2, notebook.Cells[2].ExecutionCount);
        Assert.Equal(3, notebook.Cells[2].Outputs.Count);
        Assert.Equal("pwsh", notebook.Cells[4].Language);
    }

    [Fact]
    public void Edited_notebook_keeps_unknown_metadata()
    {
        using var temp = new TempFolder();
        var notebook = NotebookFile.Read(Fixtures.PathOf("polyglot-outputs.ipynb"));
        notebook.Cells.RemoveAt(0);
        notebook.Cells.Add(PolyglotFormat.MarkdownCell("## Added\nend", Notebook.NewCellId()));
        notebook.Cells[1].Source = "var x = 1;\nx";
        var path = temp.Combine("edited.ipynb");
        NotebookFile.Write(notebook, path);

        var again = NotebookFile.Read(path);
        Assert.Equal(5, again.Cells.Count);
        Assert.Equal("## Added\nend", again.Cells[^1].Source);
        Assert.Equal("var x = 1;\nx", again.Cells[1].Source);
        Assert.Equal("polyglot-notebook", (string?)again.Cells[1].Metadata["vscode"]?["languageId"]);
        Assert.Equal("quick", (string?)again.Metadata["randcond"]?["scale"]);
        Assert.Equal(["var x = 1;\n", "x"], again.Cells[1].Json["source"]!.AsArray().Select(l => (string?)l));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp")); // the temporary file was renamed, not left behind
    }

    [Fact]
    public void New_polyglot_notebook_round_trips()
    {
        var notebook = PolyglotFormat.CreateNotebook();
        notebook.Cells.Add(PolyglotFormat.MarkdownCell("# Title", "m1"));
        notebook.Cells.Add(PolyglotFormat.CodeCell("1 + 1", "c1", "parameters"));

        var again = NotebookFile.Parse(NotebookFile.ToJson(notebook));

        Assert.Equal(4, again.NbFormat);
        Assert.Equal(5, again.NbFormatMinor);
        Assert.Equal(".NET (C#)", (string?)again.Metadata["kernelspec"]?["display_name"]);
        Assert.Equal("C#", (string?)again.Metadata["kernelspec"]?["language"]);
        Assert.Equal("csharp", (string?)again.Cells[1].Metadata["dotnet_interactive"]?["language"]);
        Assert.True(again.Cells[1].HasTag("parameters"));
        Assert.Equal("c1", again.Cells[1].Id);
    }

    [Theory]
    [InlineData("not-json.ipynb", "not valid JSON")]
    [InlineData("nbformat3.ipynb", "nbformat 3 is not supported")]
    public void Bad_files_give_a_clear_error_naming_the_file(string fixture, string problem)
    {
        var path = Fixtures.PathOf(fixture);
        var error = Assert.Throws<NotebookFormatException>(() => NotebookFile.Read(path));
        Assert.Contains(problem, error.Message);
        Assert.Contains(fixture, error.Message);
        Assert.Equal(path, error.FileName);
    }

    private const string Code = "{\"cell_type\": \"code\", \"source\": \"1\", \"metadata\": {}, \"outputs\": []";

    /// <summary>Each shape a hostile or broken file can take, with the JSON path and the problem the error must name.</summary>
    [Theory]
    [InlineData("[1, 2]", "$", "not an object")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}}", "$.cells", "missing")]
    [InlineData("{\"cells\": []}", "$.nbformat", "missing")]
    [InlineData("{\"nbformat\": \"4\", \"cells\": []}", "$.nbformat", "must be an integer, not a string")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": \"5\", \"cells\": []}", "$.nbformat_minor", "must be an integer, not a string")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5.5, \"cells\": []}", "$.nbformat_minor", "must be an integer, not the number 5.5")]
    [InlineData("{\"nbformat\": 4, \"cells\": [], \"cells\": []}", "$", "Duplicate")]
    [InlineData("{\"nbformat\": 4, \"cells\": {}}", "$.cells", "must be a list, not an object")]
    [InlineData("{\"nbformat\": 4, \"cells\": [3]}", "$.cells[0]", "must be an object, not the number 3")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"source\": \"\"}]}", "$.cells[0].cell_type", "missing")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": 7, \"source\": \"\"}]}", "$.cells[0].cell_type", "must be a string, not the number 7")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"python\", \"source\": \"\"}]}", "$.cells[0].cell_type", "'python' is not one of code, markdown, raw")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": 3}]}", "$.cells[0].source", "must be a string or a list of strings, not the number 3")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\"}]}", "$.cells[0].source", "missing")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": [\"a\", 1]}]}", "$.cells[0].source[1]", "must be a string, not the number 1")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": {\"a\": 1}}]}", "$.cells[0].source", "not an object")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"id\": 5, \"source\": \"\"}]}", "$.cells[0].id", "must be a string")]
    [InlineData("{\"nbformat\": 4, \"cells\": [" + Code + ", \"execution_count\": \"1\"}]}", "$.cells[0].execution_count", "must be an integer or null, not a string")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"\", \"outputs\": {}}]}", "$.cells[0].outputs", "must be a list")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"\", \"outputs\": [\"x\"]}]}", "$.cells[0].outputs[0]", "must be an object, not a string")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"\", \"metadata\": []}]}", "$.cells[0].metadata", "must be an object, not a list")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"\", \"metadata\": {\"dotnet_interactive\": \"csharp\"}}]}",
                "$.cells[0].metadata.dotnet_interactive", "must be an object, not a string")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"\", \"metadata\": {\"dotnet_interactive\": {\"language\": 5}}}]}",
                "$.cells[0].metadata.dotnet_interactive.language", "must be a string, not the number 5")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"\", \"metadata\": {\"polyglot_notebook\": {\"kernelName\": true}}}]}",
                "$.cells[0].metadata.polyglot_notebook.kernelName", "must be a string, not true")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"\", \"metadata\": {\"tags\": \"parameters\"}}]}",
                "$.cells[0].metadata.tags", "must be a list, not a string")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"\", \"metadata\": {\"tags\": [null]}}]}",
                "$.cells[0].metadata.tags[0]", "must be a string, not null")]
    [InlineData("{\"nbformat\": 4, \"metadata\": \"x\", \"cells\": []}", "$.metadata", "must be an object, not a string")]
    [InlineData("{\"nbformat\": 4, \"metadata\": {\"kernelspec\": {\"name\": 1}}, \"cells\": []}", "$.metadata.kernelspec.name", "must be a string")]
    [InlineData("{\"nbformat\": 4, \"metadata\": {\"polyglot_notebook\": {\"kernelInfo\": {\"items\": [{\"aliases\": [2]}]}}}, \"cells\": []}",
                "$.metadata.polyglot_notebook.kernelInfo.items[0].aliases[0]", "must be a string")]
    public void Malformed_notebooks_are_rejected_naming_the_file_and_the_json_path(string json, string jsonPath, string problem)
    {
        var error = Assert.Throws<NotebookFormatException>(() => NotebookFile.Parse(json, "x.ipynb"));
        Assert.Contains(problem, error.Message);
        Assert.Equal(jsonPath, error.JsonPath);
        Assert.StartsWith($"x.ipynb: {jsonPath}: ", error.Message);
    }

    [Fact]
    public void A_valid_notebook_reads_every_field_the_runner_uses_without_throwing()
    {
        var notebook = NotebookFile.Parse("{\"nbformat\": 4, \"nbformat_minor\": 4, \"cells\": [" + Code +
                                          ", \"execution_count\": null}, {\"cell_type\": \"raw\", \"source\": [\"a\\n\", \"b\"]}]}");
        Assert.Equal(4, notebook.NbFormatMinor);
        Assert.Equal(["csharp", "csharp"], notebook.Cells.Select(c => c.Language));
        Assert.Equal("a\nb", notebook.Cells[1].Source);
        Assert.Empty(notebook.Cells[0].Tags);
    }
}
