using System.Text.Json;
using System.Text.Json.Nodes;
using RandCond.Notebooks.Execution;

namespace RandCond.Kernel.Protocol;

/// <summary>Turns the executor's cell outputs into iopub message contents (msg_type, content).</summary>
internal static class OutputMessages
{
    public const string InterruptedName = "KeyboardInterrupt";

    public static (string MsgType, JsonObject Content) From(CellOutput output, int executionCount) => output switch
    {
        StreamOutput s => ("stream", new JsonObject { ["name"] = s.Name, ["text"] = s.Text }),
        DisplayDataOutput d => ("display_data", new JsonObject
        {
            ["data"] = Bundle(d.Data), ["metadata"] = new JsonObject(), ["transient"] = Transient(d.DisplayId),
        }),
        DisplayUpdateOutput u => ("update_display_data", new JsonObject
        {
            ["data"] = Bundle(u.Data), ["metadata"] = new JsonObject(), ["transient"] = Transient(u.DisplayId),
        }),
        ExecuteResultOutput r => ("execute_result", new JsonObject
        {
            ["execution_count"] = executionCount, ["data"] = Bundle(r.Data), ["metadata"] = new JsonObject(),
        }),
        ErrorOutput e => ("error", Error(e)),
        _ => throw new ArgumentOutOfRangeException(nameof(output), output.GetType().Name, "unknown cell output"),
    };

    public static JsonObject Error(ErrorOutput e) => new()
    {
        ["ename"] = e.EName, ["evalue"] = e.EValue, ["traceback"] = new JsonArray([.. e.Traceback.Select(l => (JsonNode)l)]),
    };

    /// <summary>The error shown for an interrupted cell, in the name front ends know from Python.</summary>
    public static ErrorOutput Interrupted() => new(InterruptedName, "the cell was interrupted",
    [
        "KeyboardInterrupt: the cell was interrupted.",
        "Code that does not check CancellationToken keeps running in the background (.NET cannot abort a thread);",
        "variables it declares are not kept; restarting the kernel stops it.",
    ]);

    private static JsonObject Transient(string? displayId) =>
        displayId is null ? new JsonObject() : new JsonObject { ["display_id"] = displayId };

    // JSON mime types travel as JSON, everything else (text, base64 images) as strings.
    private static JsonObject Bundle(IReadOnlyDictionary<string, string> data)
    {
        var bundle = new JsonObject();
        foreach (var (mime, value) in data)
        {
            bundle[mime] = IsJson(mime) && TryParse(value) is { } json ? json : value;
        }
        return bundle;
    }

    private static bool IsJson(string mime) => mime == "application/json" || mime.EndsWith("+json", StringComparison.Ordinal);

    private static JsonNode? TryParse(string value)
    {
        try { return JsonNode.Parse(value); }
        catch (JsonException) { return null; }
    }
}
