using System.Text.Json.Serialization;
using Microsoft.Data.Analysis;
using Plotly.NET;
using RandCond.Data;
using RandCond.Plotting;
using Plotly.NET.CSharp;
using PlotlyChart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>
/// The scores of one model's samples: over every class, and what the study reads of them (held-out digit and seen
/// digits in the MNIST studies; the excluded group alone in the family-teacher study).
/// </summary>
public record AblationScores
{
    public required double Fd { get; init; }
    public required double InceptionScore { get; init; }
    public required double Accuracy { get; init; }
    public required IReadOnlyList<double> PerClassAccuracy { get; init; }
    public required double ImagesPerSecond { get; init; }
    /// <summary>Accuracy on the digit absent from D (MNIST studies).</summary>
    public double? HeldOutAccuracy { get; init; }
    /// <summary>Mean accuracy over the digits in D (MNIST studies).</summary>
    public double? SeenAccuracy { get; init; }
    /// <summary>FD of the excluded group's samples against its test images (family-teacher study).</summary>
    public double? GroupFd { get; init; }
    /// <summary>Accuracy on the excluded group's classes (family-teacher study).</summary>
    public double? GroupAccuracy { get; init; }

    /// <summary>What a study reads of a model's scores: the held-out digit's and seen digits' accuracy, or the group's FD and accuracy.</summary>
    public static AblationScores Of(ModelScores s, ConceptGroup group) => new()
    {
        Fd = s.FrechetDistance, InceptionScore = s.InceptionScore, Accuracy = s.Accuracy, PerClassAccuracy = s.PerClassAccuracy, ImagesPerSecond = s.ImagesPerSecond,
        HeldOutAccuracy = group.Kind == DatasetKind.Mnist ? s.PerClassAccuracy[group.Classes[0]] : null,
        SeenAccuracy = group.Kind == DatasetKind.Mnist ? s.AccuracyOutside(group) : null,
        GroupFd = group.Kind == DatasetKind.Mnist ? null : s.GroupFrechetDistance,
        GroupAccuracy = group.Kind == DatasetKind.Mnist ? null : s.GroupAccuracy,
    };
}

/// <summary>One student of a study: the setting varied (p(t), D's and C's sizes), how long it trained, and its scores.</summary>
public sealed record AblationRow : AblationScores
{
    public required string Arm { get; init; }
    /// <summary>The p(t) family's name, e.g. sigmoid(20, 0.7); constant(0) is plain distillation.</summary>
    public required string Replacement { get; init; }
    /// <summary>The mean of p(t) over the teacher's steps.</summary>
    public required double ReplacementMean { get; init; }
    public required int ImagesPerClass { get; init; }
    public required long ImageSetSize { get; init; }
    public required int TextCorpusSize { get; init; }
    public required int Steps { get; init; }
    public double? FinalLoss { get; init; }
    public long RunId { get; init; }
}

/// <summary>
/// What one ablation study measured: how it was run (setup, D, C, distillation, sampling, provenance), the teacher's
/// scores and one row per student. Written as results/ablation-&lt;study&gt;-&lt;scale&gt;-&lt;cpu|cuda&gt;.json with snake_case
/// fields; <see cref="Load"/> and <see cref="Recorded"/> read such a record back as this type.
/// </summary>
public sealed record AblationResult
{
    public required string Experiment { get; init; }
    public required string GitCommit { get; init; }
    public required string Device { get; init; }
    public string? Libtorch { get; init; }
    /// <summary>The host settings the run had (<see cref="Tensors.HostMemory"/>, <see cref="Tensors.Blas"/>); null in records before 2026-12-05.</summary>
    public string? HostMemory { get; init; }
    public string? Blas { get; init; }
    public string? Dotnet { get; init; }
    public string? Command { get; init; }
    public required string DateUtc { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Host { get; init; }
    /// <summary>family-random, family-teacher, images or captions (<see cref="AblationStudies.Slug"/>).</summary>
    public required string Study { get; init; }
    public required string Scale { get; init; }
    public string? ScaleNote { get; init; }
    public required string Dataset { get; init; }
    public required string ExcludedGroup { get; init; }
    public required string Teacher { get; init; }
    public required string Student { get; init; }
    public required string ImageSet { get; init; }
    public required string TextCorpus { get; init; }
    public bool? CudaGraph { get; init; }
    /// <summary>The sampling and step paths the study took; null in records made before they were recorded.</summary>
    public CudaFastPaths? FastPaths { get; init; }
    public required string Distillation { get; init; }
    public required string Sampling { get; init; }
    public required string TableCaption { get; init; }
    public required AblationScores TeacherScores { get; init; }
    public required IReadOnlyList<AblationRow> Rows { get; init; }
    /// <summary>Files the lab wrote beside the record.</summary>
    [JsonPropertyName("table")] public string? TableFile { get; init; }
    public string? FigureHtml { get; init; }
    public string? FigurePng { get; init; }
    public double? Seconds { get; init; }

    [JsonIgnore] public AblationStudy Kind => AblationStudies.Parse(Study);

    /// <summary>"NVIDIA H100 80GB HBM3, 2026-11-22T09:38:10Z, commit 08e392d0823b".</summary>
    [JsonIgnore] public string Provenance => $"{Device}, {DateUtc}, commit {(GitCommit.Length > 12 ? GitCommit[..12] : GitCommit)}";

    /// <summary>A committed record results/&lt;fileName&gt; (e.g. ablation-images-paper-cuda.json).</summary>
    public static AblationResult Recorded(string fileName) => Load(RepoPaths.Results(fileName));

    /// <summary>Reads a record; a bad one fails naming the file and the field.</summary>
    public static AblationResult Load(string path)
        => RecordedRuns.Read<AblationResult>(path, "ablation").Checked(path);

    /// <summary>The scores the study's table and chart read must be present: a record of another study's kind fails here, naming the field.</summary>
    private AblationResult Checked(string path)
    {
        AblationStudy kind;
        try
        {
            kind = Kind;
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: field $.study: {e.Message}", e);
        }
        string[] needed = kind == AblationStudy.FamilyTeacher ? ["group_fd", "group_accuracy"] : ["held_out_accuracy", "seen_accuracy"];
        void Need(AblationScores s, string where)
        {
            foreach (var field in needed)
                if ((field switch { "group_fd" => s.GroupFd, "group_accuracy" => s.GroupAccuracy, "held_out_accuracy" => s.HeldOutAccuracy, _ => s.SeenAccuracy }) is null)
                    throw new InvalidDataException($"{path}: field {where}.{field}: missing; the {Study} study's table reads it");
        }
        Need(TeacherScores, "$.teacher_scores");
        for (int i = 0; i < Rows.Count; i++) Need(Rows[i], $"$.rows[{i}]");
        return this;
    }

    /// <summary>Writes the record atomically; returns the full path.</summary>
    public string Write(string path) => RecordedRuns.Write(path, this);

    /// <summary>The study's table: the teacher first, then one row per student with the varied quantity and the scores the study reads.</summary>
    public DataFrame Table()
    {
        var (table, style) = Kind == AblationStudy.FamilyTeacher ? FamilyTeacherTable() : DigitTable();
        return table.WithStyle(style.WithCaption(TableCaption, $"tab:ablation-{Study}"));
    }

    private (DataFrame, TableStyle) DigitTable()
    {
        (string, Type)[] head = Kind switch
        {
            AblationStudy.Images => [("model", typeof(string)), ("images per class", typeof(int)), ("|D|", typeof(long)), ("p(t)", typeof(string))],
            AblationStudy.Captions => [("model", typeof(string)), ("|C|", typeof(int)), ("captions per class", typeof(int)), ("p(t)", typeof(string))],
            _ => [("model", typeof(string)), ("p(t)", typeof(string)), ("mean p", typeof(double))],
        };
        var heldOut = $"held-out {ExcludedGroup}";
        var table = DataFrames.Empty([.. head, (heldOut, typeof(double)), ("seen digits", typeof(double)), ("FD", typeof(double)), ("steps", typeof(int))]);
        var style = new TableStyle().Column("mean p", "0.000").Column(heldOut, "0.0%", Better.Higher)
            .Column("seen digits", "0.0%", Better.Higher).Column("FD", "0.00", Better.Lower);
        object?[] teacherHead = Kind == AblationStudy.FamilyRandom ? ["teacher", null, null] : ["teacher", null, null, null];
        table.AddRow([.. teacherHead, TeacherScores.HeldOutAccuracy, TeacherScores.SeenAccuracy, TeacherScores.Fd, null]);
        int classes = DatasetKind.Mnist.NumClasses();
        foreach (var r in Rows)
        {
            object?[] cells = Kind switch
            {
                AblationStudy.Images => ["student", r.ImagesPerClass, r.ImageSetSize, r.Replacement],
                AblationStudy.Captions => ["student", r.TextCorpusSize, r.TextCorpusSize / classes, r.Replacement],
                _ => ["student", r.Replacement, r.ReplacementMean],
            };
            table.AddRow([.. cells, r.HeldOutAccuracy, r.SeenAccuracy, r.Fd, r.Steps]);
        }
        return (table, style);
    }

    private (DataFrame, TableStyle) FamilyTeacherTable()
    {
        var (groupFd, groupAccuracy) = ($"FD {ExcludedGroup}", $"accuracy {ExcludedGroup}");
        var table = DataFrames.Empty(("model", typeof(string)), ("p(t)", typeof(string)), ("mean p", typeof(double)), (groupFd, typeof(double)),
            (groupAccuracy, typeof(double)), ("FD", typeof(double)), ("accuracy", typeof(double)), ("steps", typeof(int)));
        var style = new TableStyle().Column("mean p", "0.000").Column(groupFd, "0.00", Better.Lower).Column(groupAccuracy, "0.0%", Better.Higher)
            .Column("FD", "0.00", Better.Lower).Column("accuracy", "0.0%", Better.Higher);
        var t = TeacherScores;
        table.AddRow("teacher", null, null, t.GroupFd, t.GroupAccuracy, t.Fd, t.Accuracy, null);
        foreach (var r in Rows)
            table.AddRow("student", r.Replacement, r.ReplacementMean, r.GroupFd, r.GroupAccuracy, r.Fd, r.Accuracy, r.Steps);
        return (table, style);
    }

    /// <summary>
    /// The study's metric against what it varies: bars per p(t) family (family studies), or curves against the images
    /// per class in D / captions in C on a log axis (size studies), the teacher as a dotted reference.
    /// </summary>
    public GenericChart Chart()
    {
        string[] labels = Rows.Select(r => r.Arm).ToArray();
        GenericChart Bars(IEnumerable<double?> values, string name, string color) =>
            PlotlyChart.Column<double, string, string>(values.Select(v => v!.Value).ToArray(), Keys: labels, Name: name, MarkerColor: Color.fromString(color));
        GenericChart Curve(IEnumerable<double> x, IEnumerable<double?> y, string name, string color, bool dotted) =>
            PlotlyChart.Line<double, double, string>(x, y.Select(v => v!.Value), ShowMarkers: true, Name: name, LineColor: Color.fromString(color),
                LineWidth: dotted ? 2 : 3, LineDash: dotted ? StyleParam.DrawingStyle.Dot : StyleParam.DrawingStyle.Solid);
        GenericChart Reference<TX>(TX from, TX to, double? value, string name) where TX : IConvertible =>
            PlotlyChart.Line<TX, double, string>(new[] { from, to }, new[] { value!.Value, value.Value }, Name: name,
                LineColor: Color.fromString("#444"), LineDash: StyleParam.DrawingStyle.Dash);
        var group = ExcludedGroup;
        switch (Kind)
        {
            case AblationStudy.FamilyTeacher:
                return PlotlyChart.Combine(new[]
                    {
                        Bars(Rows.Select(r => r.GroupFd), $"FD {group}", "#d62728"),
                        Bars(Rows.Select(r => (double?)r.Fd), "FD, all classes", "#1f77b4"),
                        Reference(labels[0], labels[^1], TeacherScores.GroupFd, $"teacher, FD {group}"),
                    })
                    .WithTitle($"Fréchet distance of samples per p(t) family, student from the teacher's weights ({group} absent from D; {Scale} scale)")
                    .WithXAxis("p(t) family").WithYAxis("Fréchet distance (classifier features), lower is better").WithSize(800, 480);
            case AblationStudy.FamilyRandom:
                return PlotlyChart.Combine(new[]
                    {
                        Bars(Rows.Select(r => r.HeldOutAccuracy), $"held-out {group}", "#d62728"),
                        Bars(Rows.Select(r => r.SeenAccuracy), "seen digits", "#1f77b4"),
                        Reference(labels[0], labels[^1], TeacherScores.HeldOutAccuracy, $"teacher, held-out {group}"),
                    })
                    .WithTitle($"Accuracy of samples per p(t) family, student from random weights ({group} absent from D; {Scale} scale)")
                    .WithXAxis("p(t) family").WithYAxis("accuracy of samples", min: 0, max: 1.02).WithSize(800, 480);
            case AblationStudy.Images:
            {
                var curves = new List<GenericChart>();
                foreach (var (rc, color) in new[] { (false, "#1f77b4"), (true, "#d62728") })
                {
                    var arm = Rows.Where(r => r.ReplacementMean > 0 == rc).ToList();
                    var x = arm.Select(r => (double)r.ImagesPerClass).ToArray();
                    curves.Add(Curve(x, arm.Select(r => r.HeldOutAccuracy), $"held-out {group}, {(rc ? "RC" : "no RC")}", color, dotted: false));
                    curves.Add(Curve(x, arm.Select(r => r.SeenAccuracy), $"seen digits, {(rc ? "RC" : "no RC")}", color, dotted: true));
                }
                return PlotlyChart.Combine(curves)
                    .WithTitle($"Accuracy of samples against the size of D ({group} absent from D; {Scale} scale)")
                    .WithXAxis("images per class in D", log: true).WithYAxis("accuracy of samples", min: 0, max: 1.02).WithSize(800, 480);
            }
            default:
            {
                var x = Rows.Select(r => (double)r.TextCorpusSize).ToArray();
                return PlotlyChart.Combine(new[]
                    {
                        Curve(x, Rows.Select(r => r.HeldOutAccuracy), $"held-out {group}", "#d62728", dotted: false),
                        Curve(x, Rows.Select(r => r.SeenAccuracy), "seen digits", "#1f77b4", dotted: true),
                        Reference(x.Min(), x.Max(), TeacherScores.HeldOutAccuracy, $"teacher, held-out {group}"),
                    })
                    .WithTitle($"Accuracy of samples against the size of C, with RC ({group} absent from D, its captions in every C; {Scale} scale)")
                    .WithXAxis("captions in C", log: true).WithYAxis("accuracy of samples", min: 0, max: 1.02).WithSize(800, 480);
            }
        }
    }
}
