using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Notebooks.Running;

/// <summary>
/// How the runner and its worker process talk. The runner writes one JSON request to the worker's stdin and closes
/// it; the worker answers with one line per event on its stdout, each after <see cref="Marker"/> so that anything
/// else that reaches the stream (native code printing to fd 1) is told apart and passed on. Events: "start" (cell
/// index), "done" (cell index, status, outputs, failure), "end".
/// </summary>
internal static class WorkerProtocol
{
    public const string Marker = "\u001erandcond-worker ";

    /// <param name="InlinePlotlyJs">whether the first chart of the run inlines plotly.js (see <see cref="NotebookRunOptions.InlinePlotlyJs"/>)</param>
    public sealed record Request(string BaseDirectory, IReadOnlyList<RequestCell> Cells, bool InlinePlotlyJs = true);

    public sealed record RequestCell(int Index, string Source);

    public static JsonObject ToJson(Request request) => new()
    {
        ["base_directory"] = request.BaseDirectory,
        ["inline_plotly_js"] = request.InlinePlotlyJs,
        ["cells"] = new JsonArray(request.Cells.Select(c => (JsonNode)new JsonObject { ["index"] = c.Index, ["source"] = c.Source }).ToArray()),
    };

    public static Request ReadRequest(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        return new Request(
            (string)root["base_directory"]!,
            root["cells"]!.AsArray().Select(c => new RequestCell((int)c!["index"]!, (string)c["source"]!)).ToList(),
            (bool?)root["inline_plotly_js"] ?? true);
    }

    /// <summary>One event as the line the worker writes, marker and newline included.</summary>
    public static byte[] EventLine(JsonObject message) =>
        Encoding.UTF8.GetBytes(Marker + message.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");

    /// <summary>The event in a line the worker wrote, or null for a line that is not one (stray output).</summary>
    public static JsonObject? ParseEvent(string line)
    {
        var at = line.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0) return null;
        try { return JsonNode.Parse(line.AsSpan(at + Marker.Length).ToString()) as JsonObject; }
        catch (JsonException) { return null; }
    }
}
