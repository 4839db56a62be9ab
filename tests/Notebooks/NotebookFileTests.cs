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

    [Theory]
    [InlineData("[1, 2]", "not an object")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}}", "no \"cells\"")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": 3}]}", "cell 0: \"source\"")]
    [InlineData("{\"cells\": []}", "no integer \"nbformat\"")]
    public void Malformed_notebooks_are_rejected(string json, string problem)
    {
        var error = Assert.Throws<NotebookFormatException>(() => NotebookFile.Parse(json, "x.ipynb"));
        Assert.Contains(problem, error.Message);
        Assert.StartsWith("x.ipynb: ", error.Message);
    }
}
