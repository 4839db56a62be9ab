using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Experiments;

/// <summary>Writes result JSON atomically (temp file, then rename).</summary>
public static class ResultFiles
{
    public static string Write(string path, JsonNode json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(tmp, path, overwrite: true);
        return Path.GetFullPath(path);
    }
}
