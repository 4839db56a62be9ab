using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Experiments.Reports;

/// <summary>
/// Reads a value out of a result record by a dotted path: <c>students[1].held_out_accuracy</c> (an index),
/// <c>rows[model=codi,steps=4].fd_vs_test</c> (the one element whose fields have those values), <c>teacher_training.training_steps</c>.
/// A path that does not lead to a value is an error naming the path and the step that failed.
/// </summary>
public static class RecordPath
{
    public static JsonNode? Read(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in Segments(path))
        {
            int open = segment.IndexOf('[');
            var name = open < 0 ? segment : segment[..open];
            if (name.Length > 0)
            {
                if (node is not JsonObject obj || !obj.TryGetPropertyValue(name, out node))
                    throw new KeyNotFoundException($"'{path}': no field '{name}'");
            }
            if (open < 0) continue;
            if (!segment.EndsWith(']')) throw new FormatException($"'{path}': '{segment}' opens a '[' it does not close");
            var selector = segment[(open + 1)..^1];
            if (node is not JsonArray array) throw new KeyNotFoundException($"'{path}': '{name}' is not an array");
            node = int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                ? index < array.Count ? array[index] : throw new KeyNotFoundException($"'{path}': '{name}' has {array.Count} elements, no [{index}]")
                : Select(array, selector, path, name);
        }
        return node;
    }

    /// <summary>The value at <paramref name="path"/> as a number, or null where the record holds null.</summary>
    public static double? Number(JsonNode root, string path) => Read(root, path) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        var other => throw new FormatException($"'{path}': expected a number, found {other.ToJsonString()}"),
    };

    /// <summary>The value as it reads in a table: a string's text, a number's JSON text, "" for null.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static JsonNode Select(JsonArray array, string selector, string path, string name)
    {
        var conditions = selector.Split(',').Select(c => c.Split('=', 2)).ToList();
        if (conditions.Any(c => c.Length != 2)) throw new FormatException($"'{path}': '[{selector}]' is neither an index nor field=value,...");
        var matches = array.Where(e => e is JsonObject o && conditions.All(c => o.TryGetPropertyValue(c[0].Trim(), out var v) && Text(v) == c[1].Trim())).ToList();
        return matches.Count == 1 ? matches[0]!
            : throw new KeyNotFoundException($"'{path}': {matches.Count} elements of '{name}' have {selector}, expected exactly one");
    }

    private static IEnumerable<string> Segments(string path)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] == '[') depth++;
            else if (path[i] == ']') depth--;
            else if (path[i] == '.' && depth == 0)
            {
                yield return path[start..i];
                start = i + 1;
            }
        }
        yield return path[start..];
    }
}
