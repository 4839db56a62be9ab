using System.Text.Json.Nodes;

namespace RandCond.Notebooks;

/// <summary>Creates notebooks and cells with the metadata Polyglot Notebooks (.NET Interactive) writes for C#.</summary>
public static class PolyglotFormat
{
    public const string KernelName = ".net-csharp";
    public const string KernelDisplayName = ".NET (C#)";
    public const string Language = "csharp";

    public static Notebook CreateNotebook() => new(new JsonObject
    {
        ["cells"] = new JsonArray(),
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject
            {
                ["display_name"] = KernelDisplayName,
                ["language"] = "C#",
                ["name"] = KernelName,
            },
            ["language_info"] = new JsonObject
            {
                ["file_extension"] = ".cs",
                ["mimetype"] = "text/x-csharp",
                ["name"] = "C#",
                ["pygments_lexer"] = "csharp",
            },
            ["polyglot_notebook"] = new JsonObject
            {
                ["kernelInfo"] = new JsonObject
                {
                    ["defaultKernelName"] = Language,
                    ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = Language }),
                },
            },
        },
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
    });

    public static NotebookCell CodeCell(string source, string? id = null, params string[] tags)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = Language },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = Language },
        };
        if (tags.Length > 0) metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode)t!).ToArray());
        var cell = new JsonObject { ["cell_type"] = "code" };
        if (id != null) cell["id"] = id;
        cell["execution_count"] = null;
        cell["metadata"] = metadata;
        cell["outputs"] = new JsonArray();
        cell["source"] = MultilineText.ToLines(source);
        return new NotebookCell(cell);
    }

    public static NotebookCell MarkdownCell(string source, string? id = null)
    {
        var cell = new JsonObject { ["cell_type"] = "markdown" };
        if (id != null) cell["id"] = id;
        cell["metadata"] = new JsonObject();
        cell["source"] = MultilineText.ToLines(source);
        return new NotebookCell(cell);
    }
}
