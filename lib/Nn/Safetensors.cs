using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>A safetensors file that is truncated, malformed or inconsistent.</summary>
public sealed class SafetensorsFormatException(string path, string problem)
    : Exception($"{path}: not a valid safetensors file: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length (in UTF-8 bytes), a
/// JSON header mapping each name to dtype, shape and data_offsets (plus an optional "__metadata__" map of
/// strings), then the tensors' bytes back to back. Files written here load in Python's safetensors.
/// </summary>
public static class Safetensors
{
    private const long MaxHeader = 100_000_000;

    /// <summary>Writes tensors (sorted by name) and metadata to path, atomically (temp file, then rename).</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var blobs = new byte[names.Length][];
        using (Torch.NoGrad())
            for (int i = 0; i < names.Length; i++) blobs[i] = Bytes(tensors[names[i]]);
        var header = Header(names, tensors, blobs, metadata);
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var blob in blobs) stream.Write(blob);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static byte[] Bytes(Tensor t)
    {
        using var detached = t.Detach();
        return detached.ToBytes();
    }

    private static byte[] Header(string[] names, IReadOnlyDictionary<string, Tensor> tensors, byte[][] blobs, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        // Names are written as UTF-8, not \u escapes, so the header length really counts UTF-8 bytes.
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            for (int i = 0; i < names.Length; i++)
            {
                var t = tensors[names[i]];
                w.WriteStartObject(names[i]);
                w.WriteString("dtype", t.DType.SafetensorsName());
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + blobs[i].Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += blobs[i].Length;
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
        var json = ms.ToArray();
        int padded = (int)((8 + json.Length + 7) / 8 * 8 - 8);
        var header = new byte[padded];
        json.CopyTo(header, 0);
        for (int i = json.Length; i < padded; i++) header[i] = (byte)' ';
        return header;
    }

    /// <summary>A loaded file: tensors (owned by the caller: dispose them) and metadata.</summary>
    public sealed record Contents(Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in Tensors.Values) t.Dispose();
        }
    }

    /// <summary>Loads every tensor, after validating the whole header against the file: all or nothing.</summary>
    public static Contents Load(string path, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        var bytes = File.ReadAllBytes(path);
        var (entries, metadata, dataStart) = ParseHeader(path, bytes);
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var e in entries)
                tensors[e.Name] = Materialize(bytes, dataStart, e, device ?? Device.CPU);
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new Contents(tensors, metadata);
    }

    /// <summary>Reads only the header: names, dtypes, shapes and metadata.</summary>
    public static (IReadOnlyList<Entry> Entries, Dictionary<string, string> Metadata) ReadHeader(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var (entries, metadata, _) = ParseHeader(path, bytes);
        return (entries, metadata);
    }

    public sealed record Entry(string Name, DType DType, long[] Shape, long Begin, long End);

    private static (List<Entry>, Dictionary<string, string>, long) ParseHeader(string path, byte[] bytes)
    {
        if (bytes.Length < 8) throw new SafetensorsFormatException(path, $"file has {bytes.Length} bytes, fewer than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeader) throw new SafetensorsFormatException(path, $"header length {headerLength} exceeds the {MaxHeader}-byte limit");
        if (8 + (long)headerLength > bytes.Length)
            throw new SafetensorsFormatException(path, $"header length {headerLength} runs past the end of the file ({bytes.Length} bytes): truncated?");
        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        var headerBytes = bytes.AsMemory(8, (int)headerLength);
        int badByte = InvalidUtf8At(headerBytes.Span);
        if (badByte >= 0)
            throw new SafetensorsFormatException(path, $"header is not valid UTF-8 (invalid byte sequence at header byte {badByte})");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, $"header is not valid JSON ({e.Message})");
        }
        using (doc)
        try
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new SafetensorsFormatException(path, "header is not a JSON object");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                // JSON parsers disagree on which copy of a repeated key wins, so a repeated name is refused, not resolved.
                if (!names.Add(prop.Name))
                    throw new SafetensorsFormatException(path, prop.Name == "__metadata__" ? "the header has two '__metadata__' entries" : $"tensor name '{prop.Name}' appears twice in the header");
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new SafetensorsFormatException(path, "__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw new SafetensorsFormatException(path, $"__metadata__ value '{m.Name}' is not a string");
                        if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
                            throw new SafetensorsFormatException(path, $"__metadata__ key '{m.Name}' appears twice");
                    }
                    continue;
                }
                entries.Add(ParseEntry(path, prop));
            }
            CheckOffsets(path, entries, dataLength);
            return (entries, metadata, dataStart);
        }
        // Valid UTF-8 can still escape half a surrogate pair ("\ud800"), which no .NET string may hold.
        catch (InvalidOperationException e)
        {
            throw new SafetensorsFormatException(path, $"header has a string that is not valid Unicode ({e.Message})");
        }
    }

    private static Entry ParseEntry(string path, JsonProperty prop)
    {
        var v = prop.Value;
        string where = $"tensor '{prop.Name}'";
        if (v.ValueKind != JsonValueKind.Object) throw new SafetensorsFormatException(path, $"{where} is not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw new SafetensorsFormatException(path, $"{where} has no string field 'dtype'");
        var dtype = DTypeExtensions.FromSafetensorsName(dt.GetString()!)
                    ?? throw new SafetensorsFormatException(path, $"{where} has unsupported dtype '{dt.GetString()}'");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException(path, $"{where} has no array field 'shape'");
        var shape = new List<long>();
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var n) || n < 0)
                throw new SafetensorsFormatException(path, $"{where}: shape entries must be non-negative integers");
            shape.Add(n);
        }
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new SafetensorsFormatException(path, $"{where} has no two-element array 'data_offsets'");
        if (off[0].ValueKind != JsonValueKind.Number || off[1].ValueKind != JsonValueKind.Number ||
            !off[0].TryGetInt64(out var begin) || !off[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw new SafetensorsFormatException(path, $"{where}: data_offsets must be integers with 0 <= begin <= end");
        long expected = ByteSize(shape, dtype.ElementSize())
                        ?? throw new SafetensorsFormatException(path, $"{where}: {dtype.SafetensorsName()}[{string.Join(", ", shape)}] needs more than {long.MaxValue} bytes");
        if (end - begin != expected)
            throw new SafetensorsFormatException(path, $"{where}: data_offsets span {end - begin} bytes but {dtype.SafetensorsName()}[{string.Join(", ", shape)}] needs {expected}");
        return new Entry(prop.Name, dtype, shape.ToArray(), begin, end);
    }

    /// <summary>The byte size of a tensor, or null where it does not fit in a long (a shape made to wrap around).</summary>
    private static long? ByteSize(List<long> shape, int elementSize)
    {
        if (shape.Contains(0)) return 0;
        long bytes = elementSize;
        foreach (var d in shape)
        {
            if (bytes > long.MaxValue / d) return null;
            bytes *= d;
        }
        return bytes;
    }

    /// <summary>Index of the first byte that does not begin a valid UTF-8 sequence, or -1 if all is valid.</summary>
    private static int InvalidUtf8At(ReadOnlySpan<byte> text)
    {
        if (System.Text.Unicode.Utf8.IsValid(text)) return -1;
        int at = 0;
        while (at < text.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(text[at..], out _, out int consumed) != System.Buffers.OperationStatus.Done) return at;
            at += consumed;
        }
        return -1;
    }

    private static void CheckOffsets(string path, List<Entry> entries, long dataLength)
    {
        long cursor = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != cursor)
                throw new SafetensorsFormatException(path, e.Begin < cursor
                    ? $"tensor '{e.Name}' overlaps the tensor before it (offset {e.Begin} < {cursor})"
                    : $"gap before tensor '{e.Name}' (offset {e.Begin}, expected {cursor}): offsets must be contiguous");
            cursor = e.End;
        }
        if (cursor != dataLength)
            throw new SafetensorsFormatException(path, cursor > dataLength
                ? $"tensor data needs {cursor} bytes but the file holds {dataLength}: truncated?"
                : $"{dataLength - cursor} bytes after the last tensor's data");
    }

    private static Tensor Materialize(byte[] bytes, long dataStart, Entry e, Device device) =>
        Torch.FromBytes(bytes.AsSpan((int)(dataStart + e.Begin), (int)(e.End - e.Begin)), e.DType, e.Shape, device);
}
