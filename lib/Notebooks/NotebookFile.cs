using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Notebooks;

/// <summary>Reads and writes .ipynb files (nbformat 4) the way Jupyter lays them out: 1-space indents, UTF-8, final newline.</summary>
public static class NotebookFile
{
    // nbformat files are UTF-8; a bad byte is an error, not a silent U+FFFD in a cell.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Notebook Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path, StrictUtf8); }
        catch (DecoderFallbackException e)
        {
            throw new NotebookFormatException(path, $"is not valid UTF-8 (byte {e.Index} of a bad sequence)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException(path, $"cannot be read: {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses notebook JSON; <paramref name="fileName"/> only names the source in errors.</summary>
    public static Notebook Parse(string json, string fileName = "<notebook>")
    {
        JsonNode? node;
        try
        {
            // Duplicate keys are refused here, where the reader knows the path, rather than when a JsonObject is first read.
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException(fileName, e.Path ?? "$", $"not valid JSON ({e.Message})", e);
        }
        if (node is not JsonObject root)
            throw new NotebookFormatException(fileName, "$", "not a notebook: the JSON is not an object");
        new NotebookValidator(fileName).Validate(root);
        return new Notebook(root);
    }

    public static string ToJson(Notebook notebook)
    {
        using var buffer = new MemoryStream();
        WriteTo(notebook, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes to a temporary file beside <paramref name="path"/>, then renames it over the target.</summary>
    public static void Write(Notebook notebook, string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                WriteTo(notebook, stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void WriteTo(Notebook notebook, Stream stream)
    {
        var options = new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 1,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // Jupyter writes non-ASCII as is
        };
        using (var writer = new Utf8JsonWriter(stream, options))
            notebook.ToJsonObject().WriteTo(writer);
        stream.WriteByte((byte)'\n');
    }
}
