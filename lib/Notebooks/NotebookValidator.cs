using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Notebooks;

/// <summary>
/// Checks the parts of nbformat 4 that <see cref="Notebook"/>, <see cref="NotebookCell"/> and the runner read, so that
/// reading them later cannot fail: every wrong shape is a <see cref="NotebookFormatException"/> naming the file and
/// the JSON path. Keys this project does not read are left alone, as Jupyter leaves them.
/// </summary>
internal sealed class NotebookValidator(string fileName)
{
    public static readonly IReadOnlyList<string> CellTypes = ["code", "markdown", "raw"];

    public void Validate(JsonObject root)
    {
        if (root["nbformat"] is not JsonValue v || !v.TryGetValue<int>(out var major))
            throw Fail("$.nbformat", root["nbformat"] is null ? "missing: not a notebook" : $"must be an integer, not {Describe(root["nbformat"])}");
        if (major != 4)
            throw Fail("$.nbformat", $"nbformat {major} is not supported; only nbformat 4 (convert it with `jupyter nbconvert --to notebook`)");
        OptionalInteger(root, "nbformat_minor", "$");
        if ((int?)root["nbformat_minor"] < 0) throw Fail("$.nbformat_minor", $"must not be negative, not {Describe(root["nbformat_minor"])}");
        if (root.ContainsKey("metadata") && root["metadata"] is null) throw Fail("$.metadata", "must be an object, not null");
        if (Optional<JsonObject>(root, "metadata", "$") is { } metadata) NotebookMetadata(metadata);
        var cells = root["cells"] as JsonArray ?? throw Fail("$.cells",
            root["cells"] is null ? "missing: an nbformat 4 notebook has a \"cells\" list" : $"must be a list, not {Describe(root["cells"])}");
        for (var i = 0; i < cells.Count; i++) Cell(cells[i], $"$.cells[{i}]");
    }

    private void NotebookMetadata(JsonObject metadata)
    {
        const string at = "$.metadata";
        if (Optional<JsonObject>(metadata, "kernelspec", at) is { } kernelspec)
            foreach (var key in new[] { "name", "display_name", "language" }) OptionalString(kernelspec, key, $"{at}.kernelspec");
        if (Optional<JsonObject>(metadata, "language_info", at) is { } info) OptionalString(info, "name", $"{at}.language_info");
        if (Optional<JsonObject>(metadata, "polyglot_notebook", at) is { } polyglot
            && Optional<JsonObject>(polyglot, "kernelInfo", $"{at}.polyglot_notebook") is { } kernelInfo)
        {
            var kernelAt = $"{at}.polyglot_notebook.kernelInfo";
            OptionalString(kernelInfo, "defaultKernelName", kernelAt);
            if (Optional<JsonArray>(kernelInfo, "items", kernelAt) is { } items)
                for (var i = 0; i < items.Count; i++)
                {
                    var item = Required<JsonObject>(items[i], $"{kernelAt}.items[{i}]");
                    OptionalString(item, "name", $"{kernelAt}.items[{i}]");
                    if (Optional<JsonArray>(item, "aliases", $"{kernelAt}.items[{i}]") is { } aliases)
                        Strings(aliases, $"{kernelAt}.items[{i}].aliases");
                }
        }
    }

    private void Cell(JsonNode? node, string at)
    {
        var cell = Required<JsonObject>(node, at);
        var type = cell["cell_type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? (string)t! : null;
        if (type is null)
            throw Fail($"{at}.cell_type", cell["cell_type"] is null ? "missing" : $"must be a string, not {Describe(cell["cell_type"])}");
        if (!CellTypes.Contains(type))
            throw Fail($"{at}.cell_type", $"'{type}' is not one of {string.Join(", ", CellTypes)}");
        OptionalString(cell, "id", at);
        var source = cell["source"];
        switch (source)
        {
            case JsonValue s when s.GetValueKind() == JsonValueKind.String:
                break;
            case JsonArray lines:
                Strings(lines, $"{at}.source");
                break;
            default:
                throw Fail($"{at}.source", source is null ? "missing" : $"must be a string or a list of strings, not {Describe(source)}");
        }
        if (Optional<JsonObject>(cell, "metadata", at) is { } metadata) CellMetadata(metadata, $"{at}.metadata");
        if (type != "code") return;
        if (Optional<JsonArray>(cell, "outputs", at) is { } outputs)
            for (var i = 0; i < outputs.Count; i++)
                OptionalString(Required<JsonObject>(outputs[i], $"{at}.outputs[{i}]"), "output_type", $"{at}.outputs[{i}]");
        if (cell["execution_count"] is { } count
            && !(count is JsonValue n && n.GetValueKind() == JsonValueKind.Number && n.TryGetValue<int>(out _)))
            throw Fail($"{at}.execution_count", $"must be an integer or null, not {Describe(count)}");
    }

    private void CellMetadata(JsonObject metadata, string at)
    {
        if (Optional<JsonArray>(metadata, "tags", at) is { } tags) Strings(tags, $"{at}.tags");
        if (Optional<JsonObject>(metadata, "dotnet_interactive", at) is { } dotnet) OptionalString(dotnet, "language", $"{at}.dotnet_interactive");
        if (Optional<JsonObject>(metadata, "polyglot_notebook", at) is { } polyglot) OptionalString(polyglot, "kernelName", $"{at}.polyglot_notebook");
    }

    private T? Optional<T>(JsonObject parent, string key, string at) where T : JsonNode =>
        parent[key] is null ? null : Required<T>(parent[key], $"{at}.{key}");

    private T Required<T>(JsonNode? node, string at) where T : JsonNode =>
        node as T ?? throw Fail(at, $"must be {(typeof(T) == typeof(JsonObject) ? "an object" : "a list")}, not {Describe(node)}");

    private string? OptionalString(JsonObject parent, string key, string at)
    {
        var node = parent[key];
        if (node is null) return null;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? (string)v!
            : throw Fail($"{at}.{key}", $"must be a string, not {Describe(node)}");
    }

    private void OptionalInteger(JsonObject parent, string key, string at)
    {
        var node = parent[key];
        if (node is not null && !(node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out _)))
            throw Fail($"{at}.{key}", $"must be an integer, not {Describe(node)}");
    }

    private void Strings(JsonArray list, string at)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                throw Fail($"{at}[{i}]", $"must be a string, not {Describe(list[i])}");
    }

    private NotebookFormatException Fail(string at, string problem) => new(fileName, at, problem);

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => $"the number {node.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"{node.ToJsonString()}",
            _ => node.ToJsonString(),
        },
    };
}
