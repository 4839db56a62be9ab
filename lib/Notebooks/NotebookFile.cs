using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Notebooks;

/// <summary>Reads and writes .ipynb files (nbformat 4) the way Jupyter lays them out: 1-space indents, UTF-8, final newline.</summary>
public static class NotebookFile
{
    public static Notebook Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path, Encoding.UTF8); }
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
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException(fileName, $"not valid JSON ({e.Message})", e);
        }
        if (node is not JsonObject root)
            throw new NotebookFormatException(fileName, "not a notebook: the JSON is not an object");
        Validate(root, fileName);
        return new Notebook(root);
    }

    private static void Validate(JsonObject root, string fileName)
    {
        if (root["nbformat"] is not JsonValue v || !v.TryGetValue<int>(out var major))
            throw new NotebookFormatException(fileName, "not a notebook: no integer \"nbformat\" field");
        if (major != 4)
            throw new NotebookFormatException(fileName, $"nbformat {major} is not supported; only nbformat 4 (convert it with `jupyter nbconvert --to notebook`)");
        if (root["cells"] is not JsonArray cells)
            throw new NotebookFormatException(fileName, "nbformat 4 notebook has no \"cells\" array");
        if (root["metadata"] is not null and not JsonObject)
            throw new NotebookFormatException(fileName, "\"metadata\" is not an object");
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell)
                throw new NotebookFormatException(fileName, $"cell {i} is not an object");
            if ((cell["cell_type"] as JsonValue)?.GetValueKind() != JsonValueKind.String)
                throw new NotebookFormatException(fileName, $"cell {i} has no \"cell_type\"");
            var source = cell["source"];
            var sourceOk = source switch
            {
                JsonValue s => s.GetValueKind() == JsonValueKind.String,
                JsonArray lines => lines.All(l => l?.GetValueKind() == JsonValueKind.String),
                _ => false,
            };
            if (!sourceOk)
                throw new NotebookFormatException(fileName, $"cell {i}: \"source\" must be a string or a list of strings");
            if (cell["metadata"] is not null and not JsonObject)
                throw new NotebookFormatException(fileName, $"cell {i}: \"metadata\" is not an object");
            if (cell["outputs"] is not null and not JsonArray)
                throw new NotebookFormatException(fileName, $"cell {i}: \"outputs\" is not a list");
        }
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
