using System.Text.Json.Serialization;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Plotly.NET.CSharp;
using RandCond.Data;
using RandCond.Plotting;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>
/// One row of the table: the teacher (empty <see cref="D"/> and <see cref="Rc"/>) or one student distilled on one D
/// without (<c>"no"</c>) or with (<c>"yes"</c>) random conditioning. The group columns are set where a group was
/// excluded from D; <see cref="Steps"/> is the number of distillation steps the student ran (records before it was
/// written have none).
/// </summary>
public sealed record DistillationTableRow(string Model, string D, string Rc, double Fd, double InceptionScore, double Accuracy,
    long UnetParameters, long Macs, double ImagesPerSecond, double? GroupFd = null, double? GroupAccuracy = null, int? Steps = null)
{
    [JsonIgnore] public bool IsTeacher => Rc.Length == 0;
    [JsonIgnore] public bool RandomConditioning => Rc == "yes";

    public static DistillationTableRow Teacher(ModelScores scores, long unetParameters, long macs) =>
        Of("teacher", "", "", scores, unetParameters, macs, null);

    /// <summary>The row of one distilled arm.</summary>
    public static DistillationTableRow Student(string model, ImageSource source, bool randomConditioning, ArmResult arm) =>
        Of(model, DistillationTableConfig.Name(source), randomConditioning ? "yes" : "no", arm.Scores, arm.UNetParameters, arm.Macs, arm.Outcome.Steps);

    private static DistillationTableRow Of(string model, string d, string rc, ModelScores s, long parameters, long macs, int? steps) =>
        new(model, d, rc, s.FrechetDistance, s.InceptionScore, s.Accuracy, parameters, macs, s.ImagesPerSecond, s.GroupFrechetDistance, s.GroupAccuracy, steps);
}

/// <summary>
/// What the distillation table run produced: who made it (the <see cref="RunRecord"/> header), its setup and one row per
/// model; serialized with snake_case names as the records in results/ are. <see cref="Table"/> lays it out as the
/// paper's table, <see cref="FdChart"/> and <see cref="AccuracyChart"/> compare no-RC and RC per student. Older records
/// name their host; records made since do not (<see cref="Host"/> is null and left out of the file).
/// </summary>
public sealed record DistillationTableResult(string Experiment, string GitCommit, string Device, string Libtorch, string Dotnet, string Command,
    string DateUtc, string Dataset, string Scale, string ImageSet, bool CudaGraph, string Distillation,
    IReadOnlyList<DistillationTableRow> Rows, double Seconds, string? ExcludedGroup = null)
{
    /// <summary>The machine of records made before records stopped naming it; null since.</summary>
    public string? Host { get; init; }

    /// <summary>The sampling and step paths the run took; null in records made before they were recorded (see <see cref="CudaGraph"/>).</summary>
    public CudaFastPaths? FastPaths { get; init; }
    /// <summary>The host settings the run had (<see cref="Tensors.HostMemory"/>, <see cref="Tensors.Blas"/>); null in records before 2026-12-05.</summary>
    public string? HostMemory { get; init; }
    public string? Blas { get; init; }

    [JsonIgnore]
    public DistillationTableRow TeacherRow => Rows.FirstOrDefault(r => r.IsTeacher)
        ?? throw new InvalidDataException($"the {Experiment} record of {DateUtc} has no teacher row");

    [JsonIgnore] public IEnumerable<DistillationTableRow> StudentRows => Rows.Where(r => !r.IsTeacher);

    /// <summary>"NVIDIA H100 80GB HBM3, 2026-11-22T14:12:37Z, commit 29d44af00f9e".</summary>
    [JsonIgnore] public string Provenance => $"{Device}, {DateUtc}, commit {(GitCommit.Length > 12 ? GitCommit[..12] : GitCommit)}";

    private string DatasetName => Enum.GetValues<DatasetKind>().Where(k => k.Slug() == Dataset).Select(k => k.DisplayName()).FirstOrDefault() ?? Dataset;

    private string What => ExcludedGroup is null ? "main table" : $"unseen concepts ({ExcludedGroup} absent from D, present in C)";

    /// <summary>The paper's layout: model, D, RC, FD, IS, accuracy, [the excluded group's FD and accuracy], size, speed, steps.</summary>
    public DataFrame Table()
    {
        var columns = new List<(string, Type)> { ("model", typeof(string)), ("D", typeof(string)), ("RC", typeof(string)), ("FD", typeof(double)), ("IS", typeof(double)), ("accuracy", typeof(double)) };
        var style = new TableStyle().Column("FD", "0.00", Better.Lower).Column("IS", "0.00", Better.Higher).Column("accuracy", "0.0%", Better.Higher)
            .Column("U-Net params (M)", "0.00").Column("MACs (M)", "0").Column("img/s", "0");
        if (ExcludedGroup is { } g)
        {
            columns.AddRange([($"FD {g}", typeof(double)), ($"accuracy {g}", typeof(double))]);
            style.Column($"FD {g}", "0.00", Better.Lower).Column($"accuracy {g}", "0.0%", Better.Higher);
        }
        columns.AddRange([("U-Net params (M)", typeof(double)), ("MACs (M)", typeof(double)), ("img/s", typeof(double)), ("steps", typeof(int))]);
        var table = DataFrames.Empty([.. columns]);
        foreach (var r in Rows)
        {
            var cells = new List<object?> { r.Model, r.D, r.Rc, r.Fd, r.InceptionScore, r.Accuracy };
            if (ExcludedGroup is not null) cells.AddRange([r.GroupFd, r.GroupAccuracy]);
            cells.AddRange([r.UnetParameters / 1e6, r.Macs / 1e6, r.ImagesPerSecond, r.Steps]);
            table.AddRow([.. cells]);
        }
        return table.WithStyle(style.WithCaption($"{DatasetName} {What}, {Scale} scale ({Provenance}); {Distillation}; D {ImageSet}"));
    }

    /// <summary>
    /// The effect of random conditioning, one row per student and D: FD and accuracy without and with RC and the relative
    /// change of FD (negative: RC brings the student closer to the test set); on the excluded group too where there is one.
    /// </summary>
    public DataFrame RcComparison()
    {
        var columns = new List<(string, Type)> { ("model", typeof(string)), ("D", typeof(string)), ("FD no RC", typeof(double)), ("FD RC", typeof(double)), ("FD change", typeof(double)) };
        var style = new TableStyle().Column("FD no RC", "0.00").Column("FD RC", "0.00").Column("FD change", "+0.0%;-0.0%", Better.Lower)
            .Column("accuracy no RC", "0.0%").Column("accuracy RC", "0.0%");
        if (ExcludedGroup is { } g)
        {
            columns.AddRange([($"FD {g} no RC", typeof(double)), ($"FD {g} RC", typeof(double)), ($"FD {g} change", typeof(double))]);
            style.Column($"FD {g} no RC", "0.00").Column($"FD {g} RC", "0.00").Column($"FD {g} change", "+0.0%;-0.0%", Better.Lower);
        }
        columns.AddRange([("accuracy no RC", typeof(double)), ("accuracy RC", typeof(double))]);
        if (ExcludedGroup is { } group)
        {
            columns.AddRange([($"accuracy {group} no RC", typeof(double)), ($"accuracy {group} RC", typeof(double))]);
            style.Column($"accuracy {group} no RC", "0.0%").Column($"accuracy {group} RC", "0.0%");
        }
        var table = DataFrames.Empty([.. columns]);
        foreach (var pair in StudentRows.GroupBy(r => (r.Model, r.D)))
        {
            var no = pair.FirstOrDefault(r => !r.RandomConditioning);
            var rc = pair.FirstOrDefault(r => r.RandomConditioning);
            if (no is null || rc is null) continue;
            var cells = new List<object?> { pair.Key.Model, pair.Key.D, no.Fd, rc.Fd, rc.Fd / no.Fd - 1 };
            if (ExcludedGroup is not null) cells.AddRange([no.GroupFd, rc.GroupFd, rc.GroupFd / no.GroupFd - 1]);
            cells.AddRange([no.Accuracy, rc.Accuracy]);
            if (ExcludedGroup is not null) cells.AddRange([no.GroupAccuracy, rc.GroupAccuracy]);
            table.AddRow([.. cells]);
        }
        return table.WithStyle(style.WithCaption($"Random conditioning against none, {Scale} scale ({Provenance})"));
    }

    /// <summary>FD per student and D, without and with random conditioning, the teacher's as a dotted line; on the excluded group where there is one.</summary>
    public GenericChart FdChart() => ExcludedGroup is { } g
        ? Bars(r => r.GroupFd, $"FD of samples of {g} (absent from D) to its test images", $"FD on {g} ↓")
        : Bars(r => r.Fd, "FD of samples to the test set (classifier features)", "FD ↓");

    /// <summary>Per-condition accuracy per student and D, without and with random conditioning; on the excluded group where there is one.</summary>
    public GenericChart AccuracyChart() => ExcludedGroup is { } g
        ? Bars(r => r.GroupAccuracy, $"Per-condition accuracy of samples asked for {g} (absent from D)", $"accuracy on {g} ↑", max: 1.02)
        : Bars(r => r.Accuracy, "Per-condition accuracy of samples", "accuracy ↑", max: 1.02);

    private GenericChart Bars(Func<DistillationTableRow, double?> value, string title, string axis, double? max = null)
    {
        var students = StudentRows.ToList();
        string Key(DistillationTableRow r) => $"{r.Model} · {r.D}";
        var keys = students.Select(Key).Distinct().ToArray();
        double Of(string key, bool rc) => students.Where(r => Key(r) == key && r.RandomConditioning == rc).Select(r => value(r) ?? double.NaN).DefaultIfEmpty(double.NaN).First();
        var traces = new List<GenericChart>
        {
            Chart.Column<double, string, string>(keys.Select(k => Of(k, false)), Keys: keys, Name: "no RC", MarkerColor: Color.fromString("#1f77b4")),
            Chart.Column<double, string, string>(keys.Select(k => Of(k, true)), Keys: keys, Name: "RC", MarkerColor: Color.fromString("#d62728")),
        };
        if (value(TeacherRow) is { } teacher && keys.Length > 0)
            traces.Add(Chart.Line<string, double, string>(new[] { keys[0], keys[^1] }, new[] { teacher, teacher }, Name: "teacher",
                LineColor: Color.fromString("#444"), LineDash: StyleParam.DrawingStyle.Dot));
        return Chart.Combine(traces).WithTitle($"{title}, {Scale} scale").WithXAxis("student · D").WithYAxis(axis, min: max is null ? null : 0, max: max)
            .WithSize(900, 560);
    }

    /// <summary>Writes the record (JSON, atomically) with its table as Markdown and LaTeX beside it; returns the JSON's path.</summary>
    public string Save(string folder, string fileStem)
    {
        Directory.CreateDirectory(folder);
        var table = Table();
        table.Save(Path.Combine(folder, fileStem + ".md"));
        table.Save(Path.Combine(folder, fileStem + ".tex"));
        return RecordedRuns.Write(Path.Combine(folder, fileStem + ".json"), this);
    }

    /// <summary>Reads a record written by this experiment; a malformed one fails naming the file and the field.</summary>
    public static DistillationTableResult Load(string path)
    {
        var result = RecordedRuns.Read<DistillationTableResult>(path, "distillation-table");
        if (result.Experiment != DistillationTableLab.Experiment)
            throw new InvalidDataException($"{path}: field experiment is '{result.Experiment}', expected '{DistillationTableLab.Experiment}'");
        if (result.Rows.Count(r => r.IsTeacher) != 1)
            throw new InvalidDataException($"{path}: field rows must hold exactly one teacher row (rc \"\"), found {result.Rows.Count(r => r.IsTeacher)}");
        if (result.ExcludedGroup is not null && result.Rows.FirstOrDefault(r => r.GroupFd is null || r.GroupAccuracy is null) is { } missing)
            throw new InvalidDataException($"{path}: field rows: the row of {missing.Model} (D {missing.D}, RC {missing.Rc}) lacks group_fd or group_accuracy although excluded_group is '{result.ExcludedGroup}'");
        return result;
    }

    /// <summary>The committed record results/&lt;fileName&gt;.</summary>
    public static DistillationTableResult Recorded(string fileName) => Load(RepoPaths.Results(fileName));
}
