using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Experiments;

/// <summary>Writes result JSON atomically: a temporary file beside the target, then a rename over it.</summary>
public static class ResultFiles
{
    /// <returns>The full path written.</returns>
    public static string Write(string path, JsonNode json)
    {
        path = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteTo(writer);
                writer.Flush();
                stream.Write("\n"u8);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
            return path;
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
