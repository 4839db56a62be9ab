using System.Text.Json.Nodes;

namespace RandCond.Notebooks;

/// <summary>
/// One cell, as a view over its JSON object: everything the file held, known or not, is kept and written back.
/// </summary>
public sealed class NotebookCell
{
    public NotebookCell(JsonObject json) => Json = json;

    public JsonObject Json { get; }

    /// <summary>"code", "markdown" or "raw".</summary>
    public string CellType => (string?)Json["cell_type"] ?? "";

    public bool IsCode => CellType == "code";

    public string? Id
    {
        get => (string?)Json["id"];
        set => Json["id"] = value;
    }

    /// <summary>The source as one string; a file may store it as a string or as a list of lines.</summary>
    public string Source
    {
        get => MultilineText.Read(Json["source"]);
        set => Json["source"] = MultilineText.ToLines(value);
    }

    public JsonObject Metadata => GetOrAddObject(Json, "metadata");

    /// <summary>Tags from metadata.tags.</summary>
    public IReadOnlyList<string> Tags =>
        Json["metadata"]?["tags"] is JsonArray tags
            ? tags.Select(t => t?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)t! : "").ToList()
            : [];

    public bool HasTag(string tag) => Tags.Contains(tag);

    /// <summary>Language of a code cell per Polyglot metadata; "csharp" when absent.</summary>
    public string Language =>
        (string?)Json["metadata"]?["dotnet_interactive"]?["language"]
        ?? (string?)Json["metadata"]?["polyglot_notebook"]?["kernelName"]
        ?? "csharp";

    public JsonArray Outputs => GetOrAddArray(Json, "outputs");

    public int? ExecutionCount
    {
        get => Json["execution_count"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;
        set => Json["execution_count"] = value;
    }

    internal static JsonObject GetOrAddObject(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject o) return o;
        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    internal static JsonArray GetOrAddArray(JsonObject parent, string key)
    {
        if (parent[key] is JsonArray a) return a;
        var created = new JsonArray();
        parent[key] = created;
        return created;
    }
}
