using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Experiments;

/// <summary>
/// A result file committed in results/ by an earlier run (typically a paper-scale GPU run), read back so a notebook can
/// show it next to the run it executes itself, always with who made it.
/// </summary>
public sealed record RecordedResult(string FileName, JsonObject Json)
{
    /// <summary>The record results/&lt;fileName&gt;, or null when no such run has been recorded.</summary>
    public static RecordedResult? Find(string fileName)
    {
        var path = RepoPaths.Results(fileName);
        if (!File.Exists(path)) return null;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
        return node is JsonObject json
            ? new RecordedResult(fileName, json)
            : throw new InvalidDataException($"{path}: expected a JSON object at the top level");
    }

    /// <summary>"results/X.json: NVIDIA H100 80GB HBM3, 2026-11-22T08:01:12Z, commit 4add14e".</summary>
    public string Provenance
    {
        get
        {
            string Field(string name) => Json[name]?.GetValue<string>() ?? "unknown";
            var commit = Field("git_commit");
            return $"results/{FileName}: {Field("device")}, {Field("date_utc")}, commit {(commit.Length > 12 ? commit[..12] : commit)}";
        }
    }
}
