using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Kernel.Protocol;

/// <summary>
/// Typed reads of a request's content fields. A field of the wrong type (<c>"code": 5</c>, <c>"restart": "yes"</c>,
/// <c>"cursor_pos": "x"</c>) throws <see cref="BadRequestException"/> naming the field, which the kernel answers with
/// an error reply; a missing or null field takes the fallback, or is an error when the field is required.
/// </summary>
internal sealed class RequestContent(JsonObject content)
{
    public string String(string name, string? fallback = null) => Read(name, fallback, JsonValueKind.String, "a string",
        v => v.GetValue<string>());

    public bool Bool(string name, bool fallback) => Read<bool?>(name, fallback, JsonValueKind.True, "true or false",
        v => v.GetValue<bool>())!.Value;

    /// <summary>A non-negative integer (a cursor position, a count).</summary>
    public int Count(string name, int fallback) => Read<int?>(name, fallback, JsonValueKind.Number, "a non-negative integer",
        v => v.TryGetValue<int>(out var n) && n >= 0 ? n : null)!.Value;

    /// <summary>A string that must be one of <paramref name="allowed"/>.</summary>
    public string OneOf(string name, string fallback, params string[] allowed)
    {
        var value = String(name, fallback);
        return allowed.Contains(value) ? value
            : throw new BadRequestException($"content.{name} must be one of {string.Join(", ", allowed)}, not \"{value}\"");
    }

    /// <summary>An object whose values are all strings (user_expressions); missing or null is empty.</summary>
    public IReadOnlyDictionary<string, string> StringMap(string name)
    {
        var node = content[name];
        if (node is null) return new Dictionary<string, string>();
        if (node is not JsonObject map) throw new BadRequestException($"content.{name} must be an object of strings, not {Describe(node)}");
        return map.ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : throw new BadRequestException($"content.{name}.{kv.Key} must be a string, not {(kv.Value is null ? "null" : Describe(kv.Value))}"));
    }

    private T Read<T>(string name, T? fallback, JsonValueKind kind, string expected, Func<JsonValue, T?> convert)
    {
        var node = content[name];
        if (node is null) return fallback ?? throw new BadRequestException($"content.{name} is missing; expected {expected}");
        var actual = node.GetValueKind();
        var matches = actual == kind || (kind == JsonValueKind.True && actual == JsonValueKind.False);
        if (matches && node is JsonValue value && convert(value) is { } result) return result;
        throw new BadRequestException($"content.{name} must be {expected}, not {Describe(node)}");
    }

    private static string Describe(JsonNode node)
    {
        var text = node.ToJsonString();
        return text.Length <= 40 ? text : text[..40] + "...";
    }
}

/// <summary>A signed, well-formed request whose content is not what its msg_type needs; it gets an error reply.</summary>
internal sealed class BadRequestException(string message) : Exception(message);
