using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

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
        Dotnet = Environment.Version.ToString(),
        Command = RunRecord.PortableCommand(Environment.CommandLine),
        DateUtc = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        Host = null,
    };
}

/// <summary>Reads and writes typed result records: snake_case JSON, every constructor parameter and required member present.</summary>
public static class RecordedRuns
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reads the record at <paramref name="path"/> as <typeparamref name="T"/>; a bad record names the file and the field.</summary>
    public static T Load<T>(string path) where T : RecordedRun
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such result record", path);
        T? run;
        try
        {
            run = JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a {typeof(T).Name} record at field '{e.Path ?? "$"}': {e.Message}", e);
        }
        if (run is null) throw new InvalidDataException($"{path}: not a {typeof(T).Name} record (the file holds null)");
        var name = Path.GetRelativePath(RepoPaths.Root ?? Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFullPath(path));
        return ((RecordedRun)run with { SourceFile = name }) as T ?? throw new InvalidOperationException("a record's copy changed its type");
    }

    /// <summary>The committed record results/<paramref name="fileName"/> as <typeparamref name="T"/>, or null when that run has not been recorded.</summary>
    public static T? Recorded<T>(string fileName) where T : RecordedRun
    {
        var path = RepoPaths.Results(fileName);
        return File.Exists(path) ? Load<T>(path) : null;
    }

    /// <summary>Writes <paramref name="run"/> to <paramref name="path"/> atomically (<see cref="ResultFiles.Write"/>); returns the full path.</summary>
    public static string Write<T>(string path, T run) where T : RecordedRun =>
        ResultFiles.Write(path, JsonSerializer.SerializeToNode(run, Options) ?? throw new InvalidOperationException($"{typeof(T).Name} serialized to null"));
}
