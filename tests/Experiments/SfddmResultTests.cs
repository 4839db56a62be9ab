using System.Text.Json.Nodes;
using RandCond.Experiments;
using RandCond.Plotting;

namespace RandCond.Tests.Labs;

/// <summary>The committed SFDDM records load as <see cref="SfddmResult"/>; a bad one names its file and field.</summary>
public sealed class SfddmResultTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rc-sfddm-result-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Committed()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(RepoPaths.Results(), "sfddm-*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Committed))]
    public void Every_committed_record_loads_as_the_typed_result(string fileName)
    {
        var result = SfddmResult.Recorded(fileName);
        Assert.Equal("sfddm", result.Experiment);
        Assert.Contains(result.Dataset, new[] { "mnist", "fashion-mnist" });
        Assert.StartsWith($"sfddm-{result.Dataset}-{result.Scale}", fileName);
        Assert.NotEmpty(result.Students);
        foreach (var row in result.Students)
        {
            Assert.True(row.Student.FdVsTest > 0 && row.TeacherSameSteps.FdVsTest > 0, $"{fileName}: T' = {row.StudentSteps} has no FD");
            Assert.Equal(10, row.Student.PerClassAccuracy.Count);
        }
        Assert.Equal(result.Students.Count, result.Table().Rows.Count);
        Assert.StartsWith($"results/{fileName}: ", result.Provenance);
        Assert.NotNull(result.Chart());
    }

    [Fact]
    public void The_record_of_every_T_prime_reads_its_numbers()
    {
        var result = SfddmResult.Recorded("sfddm-mnist-paper-t100-50-20-10-5-cuda.json");
        var json = JsonNode.Parse(File.ReadAllText(RepoPaths.Results("sfddm-mnist-paper-t100-50-20-10-5-cuda.json")))!;
        Assert.Equal([100, 50, 20, 10, 5], result.Students.Select(s => s.StudentSteps));
        Assert.Equal(json["students"]![3]!["student"]!["fd_vs_test"]!.GetValue<double>(), result.Students[3].Student.FdVsTest);
        Assert.Equal(json["fd_floor_real_train_vs_test"]!.GetValue<double>(), result.FdFloorRealTrainVsTest);
        Assert.Equal(4000, result.Options.Steps);
        Assert.StartsWith("SFDDM on mnist, paper scale (NVIDIA", result.Table().Style().Caption);
    }

    [Fact]
    public void A_result_written_as_json_loads_back_equal()
    {
        var recorded = SfddmResult.Recorded("sfddm-mnist-quick-cpu.json");
        var path = Path.Combine(dir, "copy.json");
        ResultFiles.Write(path, recorded.ToJson());
        var again = SfddmResult.Load(path);
        Assert.Equal(recorded.Students[0].Student.FdVsTest, again.Students[0].Student.FdVsTest);
        Assert.Equal(recorded.Students[0].TeacherStepsFirstLast, again.Students[0].TeacherStepsFirstLast);
        Assert.Equal(recorded.Sampler, again.Sampler);
        Assert.Equal("copy.json", again.FileName);
    }

    [Theory]
    [InlineData("students/0/student_steps", "\"ten\"", "$.students[0].student_steps")]
    [InlineData("students/0/student/fd_vs_test", null, "fd_vs_test")]
    [InlineData("fd_floor_real_train_vs_test", null, "fd_floor_real_train_vs_test")]
    [InlineData("students", "{}", "$.students")]
    public void A_bad_record_names_its_file_and_field(string field, string? value, string expected)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoPaths.Results("sfddm-mnist-quick-cpu.json")))!.AsObject();
        var parts = field.Split('/');
        JsonNode parent = json;
        foreach (var part in parts[..^1]) parent = int.TryParse(part, out var i) ? parent[i]! : parent[part]!;
        if (value is null) parent.AsObject().Remove(parts[^1]);
        else parent[parts[^1]] = JsonNode.Parse(value);
        var path = Path.Combine(dir, "bad-sfddm.json");
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => SfddmResult.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_record_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SfddmResult.Recorded("sfddm-no-such-run.json"));
        Assert.Contains("sfddm-no-such-run.json", e.Message);
    }
}
