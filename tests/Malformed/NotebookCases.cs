using System.Text;

namespace RandCond.Tests.Malformed;

/// <summary>
/// Bad .ipynb files: JSON that does not parse, wrong types for nbformat's fields, metadata, cells, sources and outputs,
/// duplicate keys, empty and huge files. Each stays invalid as nbformat 4 (none is a notebook the runner should run).
/// </summary>
public static class NotebookCases
{
    public const string Family = "notebook";

    private const string Cell = """{"cell_type": "code", "id": "c1", "metadata": {}, "source": "1 + 1", "outputs": [], "execution_count": null}""";

    /// <summary>A notebook with the given top-level members (JSON text, already separated by commas).</summary>
    private static string Notebook(string nbformat = "4", string minor = "5", string metadata = "{}", string cells = "[" + Cell + "]") =>
        $$"""{"nbformat": {{nbformat}}, "nbformat_minor": {{minor}}, "metadata": {{metadata}}, "cells": {{cells}}}""";

    private static string WithCell(string cell) => Notebook(cells: "[" + cell + "]");

    private static MalformedCase Case(string name, string text) => Case(name, Encoding.UTF8.GetBytes(text));
    private static MalformedCase Case(string name, byte[] bytes) => new(Family, name, bytes, "bad.ipynb");

    public static IEnumerable<MalformedCase> All()
    {
        var valid = Notebook();
        yield return Case("empty file", "");
        yield return Case("whitespace only", "  \n\t ");
        yield return Case("truncated JSON", valid[..(valid.Length / 2)]);
        yield return Case("one byte short", valid[..^1]);
        yield return Case("trailing garbage", valid + " {}");
        yield return Case("two documents", valid + valid);
        yield return Case("trailing comma", valid[..^1] + ",}");
        yield return Case("single quotes", valid.Replace('"', '\''));
        yield return Case("a comment", "// notebook\n" + valid);
        yield return Case("NaN literal", Notebook(nbformat: "NaN"));
        yield return Case("JSON array", "[" + valid + "]");
        yield return Case("JSON string", "\"notebook\"");
        yield return Case("JSON number", "4");
        yield return Case("JSON null", "null");
        yield return Case("JSON true", "true");
        yield return Case("NUL bytes", new byte[64]);
        yield return Case("invalid UTF-8", [.. Encoding.UTF8.GetBytes(valid[..20]), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(valid[20..])]);
        yield return Case("UTF-16 encoded", Encoding.Unicode.GetBytes(valid));
        yield return Case("a PNG", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. new byte[100]]);
        yield return Case("nested 100000 deep", new string('[', 100_000) + new string(']', 100_000));
        yield return Case("metadata nested 5000 deep", Notebook(metadata: new string('[', 5000) + new string(']', 5000)));
        yield return Case("huge: 50 MB of one unterminated string", "{\"cells\": \"" + new string('x', 50_000_000));

        foreach (var (name, value) in new[]
        {
            ("nbformat a string", "\"4\""), ("nbformat 3", "3"), ("nbformat 5", "5"), ("nbformat -4", "-4"), ("nbformat 4.5", "4.5"),
            ("nbformat null", "null"), ("nbformat 2^64", "18446744073709551616"), ("nbformat an object", "{}"), ("nbformat true", "true"),
        })
            yield return Case(name, Notebook(nbformat: value));
        yield return Case("nbformat missing", valid.Replace("\"nbformat\": 4, ", ""));
        foreach (var (name, value) in new[] { ("nbformat_minor a string", "\"5\""), ("nbformat_minor a list", "[5]"), ("nbformat_minor fractional", "5.5"), ("nbformat_minor negative", "-1") })
            yield return Case(name, Notebook(minor: value));

        foreach (var (name, value) in new[]
        {
            ("metadata a list", "[]"), ("metadata a string", "\"m\""), ("metadata a number", "1"), ("metadata null", "null"),
            ("kernelspec a string", """{"kernelspec": "csharp"}"""), ("kernelspec a list", """{"kernelspec": []}"""),
            ("kernelspec name a number", """{"kernelspec": {"name": 5, "display_name": "C#"}}"""),
            ("language_info a list", """{"language_info": [1]}"""),
            ("language_info name an object", """{"language_info": {"name": {}}}"""),
            ("polyglot items not a list", """{"polyglot_notebook": {"kernelInfo": {"items": 5}}}"""),
            ("polyglot item not an object", """{"polyglot_notebook": {"kernelInfo": {"items": [5]}}}"""),
        })
            yield return Case(name, Notebook(metadata: value));

        foreach (var (name, value) in new[] { ("cells an object", "{}"), ("cells a string", "\"cells\""), ("cells null", "null"), ("cells a number", "3") })
            yield return Case(name, Notebook(cells: value));
        yield return Case("cells missing", valid[..valid.IndexOf(", \"cells\"", StringComparison.Ordinal)] + "}");

        foreach (var (name, cell) in new[]
        {
            ("cell a number", "5"), ("cell a string", "\"1 + 1\""), ("cell a list", "[]"), ("cell null", "null"),
            ("cell_type missing", """{"metadata": {}, "source": "x"}"""),
            ("cell_type unknown", """{"cell_type": "python", "metadata": {}, "source": "x"}"""),
            ("cell_type a number", """{"cell_type": 1, "metadata": {}, "source": "x"}"""),
            ("cell_type null", """{"cell_type": null, "metadata": {}, "source": "x"}"""),
            ("source missing", """{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null}"""),
            ("source a number", """{"cell_type": "code", "metadata": {}, "source": 42, "outputs": [], "execution_count": null}"""),
            ("source an object", """{"cell_type": "code", "metadata": {}, "source": {"a": 1}, "outputs": [], "execution_count": null}"""),
            ("source null", """{"cell_type": "code", "metadata": {}, "source": null, "outputs": [], "execution_count": null}"""),
            ("source a list of numbers", """{"cell_type": "code", "metadata": {}, "source": [1, 2], "outputs": [], "execution_count": null}"""),
            ("source a nested list", """{"cell_type": "code", "metadata": {}, "source": [["1 + 1"]], "outputs": [], "execution_count": null}"""),
            ("source a list with null", """{"cell_type": "code", "metadata": {}, "source": ["1", null], "outputs": [], "execution_count": null}"""),
            ("markdown source a number", """{"cell_type": "markdown", "metadata": {}, "source": 7}"""),
            ("cell metadata a list", """{"cell_type": "code", "metadata": [], "source": "x", "outputs": [], "execution_count": null}"""),
            ("cell metadata a string", """{"cell_type": "code", "metadata": "m", "source": "x", "outputs": [], "execution_count": null}"""),
            ("outputs an object", """{"cell_type": "code", "metadata": {}, "source": "x", "outputs": {}, "execution_count": null}"""),
            ("outputs a string", """{"cell_type": "code", "metadata": {}, "source": "x", "outputs": "none", "execution_count": null}"""),
            ("output a number", """{"cell_type": "code", "metadata": {}, "source": "x", "outputs": [1], "execution_count": null}"""),
            ("output_type a number", """{"cell_type": "code", "metadata": {}, "source": "x", "outputs": [{"output_type": 3}], "execution_count": null}"""),
            ("execution_count a string", """{"cell_type": "code", "metadata": {}, "source": "x", "outputs": [], "execution_count": "1"}"""),
            ("execution_count fractional", """{"cell_type": "code", "metadata": {}, "source": "x", "outputs": [], "execution_count": 1.5}"""),
            ("execution_count a list", """{"cell_type": "code", "metadata": {}, "source": "x", "outputs": [], "execution_count": [1]}"""),
            ("cell id a number", """{"cell_type": "code", "id": 7, "metadata": {}, "source": "x", "outputs": [], "execution_count": null}"""),
            ("cell id a list", """{"cell_type": "code", "id": ["a"], "metadata": {}, "source": "x", "outputs": [], "execution_count": null}"""),
            ("duplicate key in a cell", """{"cell_type": "code", "cell_type": "markdown", "metadata": {}, "source": "x", "outputs": [], "execution_count": null}"""),
        })
            yield return Case(name, WithCell(cell));

        yield return Case("duplicate top-level key", valid[..^1] + ", \"cells\": []}");
        yield return Case("duplicate nbformat", valid[..^1] + ", \"nbformat\": 4}");
        yield return Case("duplicate key in metadata", Notebook(metadata: """{"a": 1, "a": 2}"""));
    }
}
