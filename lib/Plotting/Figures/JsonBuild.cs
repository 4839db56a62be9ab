using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Plotting;

/// <summary>Small helpers for building plotly JSON with JsonNode (no reflection, trim-safe).</summary>
internal static class JsonBuild
{
    public static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    // Floats stay floats so that 0.1f is written as 0.1, not 0.10000000149011612.
    public static JsonNode? Number(float v) => float.IsFinite(v) ? JsonValue.Create(v) : null;

    public static JsonArray Array(int count, Func<int, JsonNode?> item)
    {
        var array = new JsonArray();
        for (int i = 0; i < count; i++) array.Add(item(i));
        return array;
    }

    public static JsonArray Strings(params string[] values) => Array(values.Length, i => JsonValue.Create(values[i]));

    public static JsonObject Title(string text) => new() { ["text"] = text };

    /// <summary>The object at key, created when missing.</summary>
    public static JsonObject Child(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    /// <summary>Sets a value at a dotted path ("xaxis.tickformat"), creating objects on the way.</summary>
    public static void SetPath(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = root;
        for (int i = 0; i < parts.Length - 1; i++) node = Child(node, parts[i]);
        node[parts[^1]] = value;
    }

    public static string Write(JsonNode node, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
            node.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
