using System.Text.Json;
using System.Text.Json.Nodes;
using RandCond.Notebooks.Execution;

namespace RandCond.Notebooks.Running;

/// <summary>Executor outputs as nbformat 4 output objects (keys in Jupyter's sorted order).</summary>
public static class OutputJson
{
    public static JsonObject ToJson(CellOutput output, int? executionCount = null) => output switch
    {
        StreamOutput s => new JsonObject
        {
            ["name"] = s.Name,
            ["output_type"] = "stream",
            ["text"] = MultilineText.ToLines(s.Text),
        },
        DisplayDataOutput d => new JsonObject
        {
            ["data"] = MimeBundle(d.Data),
            ["metadata"] = new JsonObject(),
            ["output_type"] = "display_data",
        },
        ExecuteResultOutput r => new JsonObject
        {
            ["data"] = MimeBundle(r.Data),
            ["execution_count"] = executionCount,
            ["metadata"] = new JsonObject(),
            ["output_type"] = "execute_result",
        },
        ErrorOutput e => new JsonObject
        {
            ["ename"] = e.EName,
            ["evalue"] = e.EValue,
            ["output_type"] = "error",
            ["traceback"] = new JsonArray(e.Traceback.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(output), output.GetType().Name, "unknown output kind"),
    };

    /// <summary>
    /// nbformat stores JSON mime types as JSON, text as a list of lines, and binary (base64) as one string.
    /// </summary>
    public static JsonObject MimeBundle(IReadOnlyDictionary<string, string> data)
    {
        var bundle = new JsonObject();
        foreach (var (mime, content) in data.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (IsJson(mime) && TryParseJson(content) is { } json) bundle[mime] = json;
            else if (IsText(mime)) bundle[mime] = MultilineText.ToLines(content);
            else bundle[mime] = content;
        }
        return bundle;
    }

    private static bool IsJson(string mime) => mime == "application/json" || mime.EndsWith("+json", StringComparison.Ordinal);

    private static bool IsText(string mime) =>
        mime.StartsWith("text/", StringComparison.Ordinal) || mime == "image/svg+xml" || mime == "application/javascript";

    private static JsonNode? TryParseJson(string content)
    {
        try { return JsonNode.Parse(content); }
        catch (JsonException) { return null; }
    }
}
