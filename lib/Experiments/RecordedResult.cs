using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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

/// <summary>
/// The header every result record starts with (<see cref="RunRecord.Header"/>): who made it, where and when. Typed results
/// derive from it, so a committed record loads back as its experiment's type with <see cref="RecordedRuns.Load{T}"/>.
/// </summary>
public abstract record RecordedRun
{
    public string Experiment { get; init; } = "";
    public string GitCommit { get; init; } = "unknown";
    public string Device { get; init; } = "unknown";
    public string Libtorch { get; init; } = "unknown";
    /// <summary>The host settings the run had (<see cref="Tensors.HostMemory"/>, <see cref="Tensors.Blas"/>); records before 2026-12-05 have none.</summary>
    public string? HostMemory { get; init; }
    public string? Blas { get; init; }
    public string Dotnet { get; init; } = "unknown";
    public string Command { get; init; } = "";
    public string DateUtc { get; init; } = "unknown";
    /// <summary>Older records name the machine; new ones do not.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Host { get; init; }

    /// <summary>The file this run was read from (results/NAME.json), or null for a run made in this process.</summary>
    [JsonIgnore] public string? SourceFile { get; init; }

    /// <summary>"results/X.json: NVIDIA H100 80GB HBM3, 2026-11-22T08:01:12Z, commit 4add14ee15ad" (or "this run: ..." when not read from a file).</summary>
    [JsonIgnore]
    public string Provenance => $"{SourceFile ?? "this run"}: {Device}, {DateUtc}, commit {ShortCommit(GitCommit)}";

    /// <summary>A commit shortened to 12 hex digits, keeping a "+dirty" mark (a run from a tree with uncommitted changes).</summary>
    public static string ShortCommit(string commit)
    {
        var dirty = commit.EndsWith("+dirty", StringComparison.Ordinal) ? "+dirty" : "";
        var hash = commit[..^dirty.Length];
        return (hash.Length > 12 ? hash[..12] : hash) + dirty;
    }

    /// <summary>This run stamped with the header of a run of <paramref name="experiment"/> made now on <paramref name="device"/>.</summary>
    public RecordedRun StampedNow(string experiment, Tensors.Device device) => this with
    {
        Experiment = experiment,
        GitCommit = RunRecord.Commit(),
        Device = RunRecord.DeviceName(device),
        Libtorch = Tensors.Torch.Version,
        HostMemory = Tensors.HostMemory.Describe(),
        Blas = Tensors.Blas.Describe(),
        Dotnet = Environment.Version.ToString(),
        Command = RunRecord.Command(),
        DateUtc = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        Host = null,
    };
}

/// <summary>
/// Reads and writes typed result records with one set of JSON options: snake_case names; absent values (null) left out
/// when written; every non-optional field present, and nulls refused where a field or a list's entries are not nullable,
/// when read. Each experiment's result reads through <see cref="Read{T}"/> and adds only the checks the serializer
/// cannot make (ranges, lengths, which experiment).
/// </summary>
public static class RecordedRuns
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        // A run whose loss or score diverged still writes its record (NaN), rather than losing the run at the last step.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Reads the record at <paramref name="path"/> as <typeparamref name="T"/>. A missing file is a
    /// <see cref="FileNotFoundException"/>; bad JSON, a missing, mistyped or null field and a null entry of a list throw
    /// <see cref="InvalidDataException"/> naming the file, the <paramref name="kind"/> of record and the field.
    /// </summary>
    public static T Read<T>(string path, string kind) where T : class
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such {kind} record", path);
        T? record;
        try
        {
            record = JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a {kind} record at field '{e.Path ?? "$"}': {e.Message}", e);
        }
        if (record is null) throw new InvalidDataException($"{path}: not a {kind} record (the file holds null)");
        if (NullEntry(record, "$", null) is { } field)
            throw new InvalidDataException($"{path}: not a {kind} record at field '{field}': the entry is null");
        return record;
    }

    /// <summary>Reads the record at <paramref name="path"/> as <typeparamref name="T"/>, remembering where it came from (<see cref="RecordedRun.SourceFile"/>).</summary>
    public static T Load<T>(string path) where T : RecordedRun =>
        (Read<T>(path, typeof(T).Name) with { SourceFile = SourceName(path) }) as T ?? throw new InvalidOperationException("a record's copy changed its type");

    /// <summary>The committed record results/<paramref name="fileName"/> as <typeparamref name="T"/>, or null when that run has not been recorded.</summary>
    public static T? Recorded<T>(string fileName) where T : RecordedRun
    {
        var path = RepoPaths.Results(fileName);
        return File.Exists(path) ? Load<T>(path) : null;
    }

    /// <summary>How a record read from <paramref name="path"/> names its file: relative to the repository root (results/X.json) when inside it, else the full path.</summary>
    public static string SourceName(string path)
    {
        var full = Path.GetFullPath(path);
        var root = RepoPaths.Root;
        return root is not null && full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? Path.GetRelativePath(root, full)
            : full;
    }

    /// <summary>The record as JSON with <see cref="Options"/>.</summary>
    public static JsonObject ToJson<T>(T record) where T : class =>
        JsonSerializer.SerializeToNode(record, Options)?.AsObject() ?? throw new InvalidOperationException($"{typeof(T).Name} serialized to null");

    /// <summary>Writes <paramref name="record"/> to <paramref name="path"/> atomically (<see cref="ResultFiles.Write"/>); returns the full path.</summary>
    public static string Write<T>(string path, T record) where T : class => ResultFiles.Write(path, ToJson(record));

    /// <summary>
    /// The path ($.rows[2]) of the first null entry, at any depth, of a list whose entries are not declared nullable, or
    /// null when there is none: the serializer fills such a list with nulls that would fail later, far from the file.
    /// </summary>
    private static string? NullEntry(object value, string path, NullabilityInfo? declared)
    {
        var info = Options.GetTypeInfo(value.GetType());
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var property in info.Properties)
                {
                    // Only what a record reads back: computed properties (no setter) are not in the file.
                    if (property.Set is null || property.Get?.Invoke(value) is not { } member) continue;
                    var nullability = property.AttributeProvider is PropertyInfo p ? new NullabilityInfoContext().Create(p) : null;
                    if (NullEntry(member, $"{path}.{property.Name}", nullability) is { } found) return found;
                }
                return null;
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } element && !(element.IsValueType && Nullable.GetUnderlyingType(element) is null):
                var entry = declared?.ElementType ?? declared?.GenericTypeArguments.FirstOrDefault();
                bool mayBeNull = Nullable.GetUnderlyingType(element) is not null || entry?.ReadState == NullabilityState.Nullable;
                int i = 0;
                foreach (var item in (System.Collections.IEnumerable)value)
                {
                    var at = $"{path}[{i++}]";
                    var found = item is null ? (mayBeNull ? null : at) : NullEntry(item, at, entry);
                    if (found is not null) return found;
                }
                return null;
            default:
                return null;
        }
    }
}
