using System.Text;
using System.Text.Json.Nodes;

namespace RandCond.Notebooks;

/// <summary>nbformat's multiline strings: a string, or a list of lines each ending in "\n" but the last.</summary>
internal static class MultilineText
{
    public static string Read(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => (string?)l ?? "")),
        _ => (string?)node ?? "",
    };

    public static JsonArray ToLines(string text)
    {
        var lines = new JsonArray();
        var current = new StringBuilder();
        foreach (var ch in text)
        {
            current.Append(ch);
            if (ch == '\n')
            {
                lines.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0) lines.Add(current.ToString());
        return lines;
    }
}
