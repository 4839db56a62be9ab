using System.Text.Json.Nodes;
using RandCond.Experiments;

namespace RandCond.Tests.Labs;

/// <summary>
/// The one reader behind every typed result (<see cref="RecordedRuns.Read{T}"/>): every committed record loads as its type,
/// and a bad one, a null entry of a list included, fails naming the file and the field.
/// </summary>
public sealed class RecordedResultReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("randcond-reader-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Each kind of record by the prefix of its committed files, and its typed loader.</summary>
    private static readonly Dictionary<string, Func<string, object>> Loaders = new()
    {
        ["held-out-digit"] = HeldOutDigitResult.Load,
        ["distillation-table"] = DistillationTableResult.Load,
        ["ablation"] = AblationResult.Load,
        ["sfddm"] = SfddmResult.Load,
        ["codi"] = CoDiResult.Load,
        ["altered-conditioning"] = AlteredConditioningResult.Load,
    };

    private static Func<string, object> LoaderOf(string path) =>
        Loaders.First(kv => Path.GetFileName(path).StartsWith(kv.Key + "-", StringComparison.Ordinal)).Value;

    /// <summary>Every committed record, those in sweep folders (results/NAME/RUN/) included, as paths relative to results/.</summary>
    private static IEnumerable<string> CommittedFiles() =>
        Loaders.Keys.SelectMany(prefix => Directory.GetFiles(RepoPaths.Results(), prefix + "-*.json", SearchOption.AllDirectories))
            .Select(p => Path.GetRelativePath(RepoPaths.Results(), p)).Order(StringComparer.Ordinal);

    public static TheoryData<string> CommittedRecords() => new(CommittedFiles());

    [Fact]
    public void Every_kind_of_result_has_committed_records()
    {
        var names = CommittedFiles().ToList();
        foreach (var prefix in Loaders.Keys) Assert.Contains(names, n => n.StartsWith(prefix + "-", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CommittedRecords))]
    public void A_committed_record_loads_as_its_type(string fileName)
    {
        var record = LoaderOf(fileName)(RepoPaths.Results(fileName));
        var expected = Path.GetFileName(fileName).Split('-')[0] switch
        {
            "held" => typeof(HeldOutDigitResult),
            "distillation" => typeof(DistillationTableResult),
            "ablation" => typeof(AblationResult),
            "sfddm" => typeof(SfddmResult),
            "codi" => typeof(CoDiResult),
            _ => typeof(AlteredConditioningResult),
        };
        Assert.IsType(expected, record);
    }

    [Theory]
    [InlineData("held-out-digit-paper-cuda.json", "students/1")]
    [InlineData("distillation-table-fashion-mnist-paper-cuda.json", "rows/2")]
    [InlineData("ablation-images-paper-cuda.json", "rows/0")]
    [InlineData("sfddm-mnist-quick-cpu.json", "students/0")]
    [InlineData("codi-mnist-sr7-paper-cuda.json", "rows/3")]
    [InlineData("codi-mnist-sr7-paper-cuda.json", "models/2/loss_curve/0")]
    [InlineData("altered-conditioning-quick-cpu.json", "rows/4")]
    public void A_null_entry_of_a_list_is_named_with_the_file(string fileName, string entry)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoPaths.Results(fileName)))!.AsObject();
        var parts = entry.Split('/');
        JsonNode list = json;
        foreach (var part in parts[..^1]) list = int.TryParse(part, out var i) ? list[i]! : list[part]!;
        list.AsArray()[int.Parse(parts[^1])] = null;
        var path = Path.Combine(dir, fileName);
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.Throws<InvalidDataException>(() => LoaderOf(fileName)(path));

        Assert.Contains(path, e.Message);
        var field = "$" + string.Concat(parts.Select(p => int.TryParse(p, out var i) ? $"[{i}]" : "." + p));
        Assert.Contains($"'{field}'", e.Message);
    }

    [Fact]
    public void A_run_without_a_host_writes_a_record_that_reads_back_and_computed_views_stay_out_of_the_file()
    {
        var heldOut = HeldOutDigitResult.Recorded("held-out-digit-paper-cuda.json")! with { Host = null, SourceFile = null };
        var back = HeldOutDigitResult.Load(heldOut.Write(Path.Combine(dir, "held-out.json")));
        Assert.Null(back.Host);
        Assert.Equal(heldOut.Rc.HeldOutAccuracy, back.Rc.HeldOutAccuracy);

        var table = DistillationTableResult.Recorded("distillation-table-fashion-mnist-paper-cuda.json") with { Host = null };
        var tablePath = table.Save(dir, "table");
        var tableBack = DistillationTableResult.Load(tablePath);
        Assert.Null(tableBack.Host);
        Assert.Equal(table.Rows, tableBack.Rows);
        var written = JsonNode.Parse(File.ReadAllText(tablePath))!.AsObject();
        foreach (var view in new[] { "teacher_row", "student_rows", "provenance" }) Assert.False(written.ContainsKey(view), view);
        Assert.False(written["rows"]![0]!.AsObject().ContainsKey("is_teacher"));
    }

    [Fact]
    public void A_record_names_its_file_relative_to_the_repository_or_in_full_outside_it()
    {
        Assert.Equal("results/held-out-digit-paper-cuda.json", HeldOutDigitResult.Recorded("held-out-digit-paper-cuda.json")!.SourceFile);
        var copy = Path.Combine(dir, "copy.json");
        File.Copy(RepoPaths.Results("held-out-digit-paper-cuda.json"), copy);
        Assert.Equal(Path.GetFullPath(copy), HeldOutDigitResult.Load(copy).SourceFile);
    }

    [Theory]
    [InlineData("null", "holds null")]
    [InlineData("{ \"rows\": [", "not a CoDi record at field")]
    [InlineData("[1, 2]", "not a CoDi record at field '$'")]
    [InlineData("{\"experiment\": 4}", "'$.experiment'")]
    public void The_reader_names_the_file_the_kind_and_what_is_wrong(string text, string named)
    {
        var path = Path.Combine(dir, "bad.json");
        File.WriteAllText(path, text);
        var e = Assert.Throws<InvalidDataException>(() => RecordedRuns.Read<CoDiResult>(path, "CoDi"));
        Assert.Contains(path, e.Message);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void A_missing_record_is_a_missing_file_naming_it()
    {
        var path = Path.Combine(dir, "absent.json");
        foreach (var load in Loaders.Values)
        {
            var e = Assert.Throws<FileNotFoundException>(() => load(path));
            Assert.Contains(path, e.Message);
        }
    }
}
