using System.Text.Json.Serialization;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Plotly.NET.CSharp;
using RandCond.Plotting;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>One model of the compositional experiment: the teacher, or a student with or without random conditioning.</summary>
public sealed record CompositionalModel(string Model, CompositionalScores Seen, CompositionalScores Unseen, string? Replacement = null, int? Steps = null, double? FinalLoss = null)
{
    /// <summary>The student's run in the run store (its loss curves), when it was made in this process.</summary>
    [JsonIgnore] public long? RunId { get; init; }
}

/// <summary>
/// What a compositional run produced, as its record in results/ holds it (snake_case fields): the split of the forty
/// (digit, thickness, slant) classes into those D holds and those it lacks, how many real test images each subset's FD is
/// against, and every model's scores on both. <see cref="Table"/>, <see cref="UnseenChart"/> and <see cref="Reading"/> show it.
/// </summary>
public sealed record CompositionalResult : RecordedRun
{
    public required string Scale { get; init; }
    public required string Teacher { get; init; }
    public required string Student { get; init; }
    public required int CombinationsPerDigit { get; init; }
    /// <summary>The students' seed (batches and random captions); null in records written before it was recorded (their file names say it).</summary>
    public int? Seed { get; init; }
    public required IReadOnlyList<int> SeenClasses { get; init; }
    public required string ImageSet { get; init; }
    public required string TextCorpus { get; init; }
    public required string Distillation { get; init; }
    public required string Sampling { get; init; }
    public required long TestImagesSeen { get; init; }
    public required long TestImagesUnseen { get; init; }
    public required IReadOnlyList<CompositionalModel> Models { get; init; }
    public double Seconds { get; init; }
    public CudaFastPaths? FastPaths { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SampleGrid { get; init; }

    public static CompositionalResult Load(string path) => RecordedRuns.Load<CompositionalResult>(path);

    /// <summary>The committed record results/<paramref name="fileName"/>, or null when that run has not been recorded.</summary>
    public static CompositionalResult? Recorded(string fileName) => RecordedRuns.Recorded<CompositionalResult>(fileName);

    public CompositionalModel Model(string name) => Models.FirstOrDefault(m => m.Model == name)
        ?? throw new KeyNotFoundException($"the compositional record {SourceFile ?? "of this run"} has no model '{name}' (it has {string.Join(", ", Models.Select(m => m.Model))})");

    [JsonIgnore] public CompositionalModel TeacherScores => Model(CompositionalLab.TeacherModel);
    [JsonIgnore] public CompositionalModel NoRc => Model(CompositionalLab.StudentModel(false));
    [JsonIgnore] public CompositionalModel Rc => Model(CompositionalLab.StudentModel(true));

    /// <summary>How much lower RC's FD on the classes D lacks is than no RC's, as a fraction of no RC's (the paper: 14.7 % on MS-COCO).</summary>
    [JsonIgnore] public double UnseenFdImprovement => 1 - Rc.Unseen.FrechetDistance / NoRc.Unseen.FrechetDistance;

    /// <summary>One row per model and subset: FD and the shares right on the digit, the thickness, the slant and all three.</summary>
    public DataFrame Table()
    {
        var table = DataFrames.Empty(("model", typeof(string)), ("classes", typeof(string)), ("FD", typeof(double)), ("digit", typeof(double)),
            ("thickness", typeof(double)), ("slant", typeof(double)), ("all three", typeof(double)));
        foreach (var m in Models)
            foreach (var (subset, s) in new[] { ("D lacks", m.Unseen), ("in D", m.Seen) })
                table.AddRow(m.Model, subset, s.FrechetDistance, s.DigitAccuracy, s.ThicknessAccuracy, s.SlantAccuracy, s.AllThreeAccuracy);
        var style = new TableStyle().Column("FD", "0.00", Better.Lower).Column("digit", "0.0%", Better.Higher).Column("thickness", "0.0%", Better.Higher)
            .Column("slant", "0.0%", Better.Higher).Column("all three", "0.0%", Better.Higher);
        return table.WithStyle(style.WithCaption(
            $"Compositional captions, {Scale} scale ({Provenance}): D holds {SeenClasses.Count} of the 40 (digit, thickness, slant) classes; " +
            $"FD against {TestImagesUnseen} / {TestImagesSeen} real test images of the classes D lacks / holds; {Distillation}"));
    }

    /// <summary>One row per run (a record, or "this SCALE run"): on the classes D lacks, FD and the share right on all three attributes of each model; on D's classes, the students' FD.</summary>
    public static DataFrame Compare(IEnumerable<CompositionalResult> results)
    {
        var table = DataFrames.Empty(("run", typeof(string)), ("classes in D", typeof(int)), ("FD lacks, no RC", typeof(double)), ("FD lacks, RC", typeof(double)),
            ("RC's FD gain", typeof(double)), ("all three, teacher", typeof(double)), ("all three, no RC", typeof(double)), ("all three, RC", typeof(double)),
            ("FD in D, no RC", typeof(double)), ("FD in D, RC", typeof(double)));
        foreach (var r in results)
            table.AddRow(r.SourceFile ?? $"this {r.Scale} run", r.SeenClasses.Count, r.NoRc.Unseen.FrechetDistance, r.Rc.Unseen.FrechetDistance, r.UnseenFdImprovement,
                r.TeacherScores.Unseen.AllThreeAccuracy, r.NoRc.Unseen.AllThreeAccuracy, r.Rc.Unseen.AllThreeAccuracy, r.NoRc.Seen.FrechetDistance, r.Rc.Seen.FrechetDistance);
        var style = new TableStyle().Column("FD lacks, no RC", "0.00").Column("FD lacks, RC", "0.00").Column("RC's FD gain", "0.0%", Better.Higher)
            .Column("all three, teacher", "0.0%").Column("all three, no RC", "0.0%").Column("all three, RC", "0.0%")
            .Column("FD in D, no RC", "0.00").Column("FD in D, RC", "0.00");
        return table.WithStyle(style.WithCaption(
            "Compositional runs: FD and the share right on digit, thickness and slant at once on the classes D lacks (\"lacks\"), FD on D's classes; RC's FD gain is 1 - FD RC / FD no RC on what D lacks (the paper: 14.7 %)"));
    }

    /// <summary>Grouped bars: each model's shares right on the digit, thickness, slant and all three, on the classes D lacks.</summary>
    public GenericChart UnseenChart()
    {
        string[] measures = ["digit", "thickness", "slant", "all three"];
        var colors = new Dictionary<string, string>
        {
            [CompositionalLab.TeacherModel] = "#7f7f7f", [CompositionalLab.StudentModel(false)] = "#1f77b4", [CompositionalLab.StudentModel(true)] = "#d62728",
        };
        var bars = Models.Select(m => Chart.Column<double, string, string>(
            new[] { m.Unseen.DigitAccuracy, m.Unseen.ThicknessAccuracy, m.Unseen.SlantAccuracy, m.Unseen.AllThreeAccuracy }, Keys: measures, Name: m.Model,
            MarkerColor: Color.fromString(colors.GetValueOrDefault(m.Model, "#2ca02c"))));
        return Chart.Combine(bars)
            .WithTitle($"Samples of the {40 - SeenClasses.Count} (digit, thickness, slant) classes D lacks ({Scale} scale)")
            .WithXAxis("asked for").WithYAxis("share of samples measured as asked", min: 0, max: 1.02).WithSize(900, 480);
    }

    /// <summary>
    /// The records taken together, for each split of D: the mean FD of each student on the classes D lacks over the runs
    /// (seeds), RC's change of the mean and the range of its per-run changes, and the mean share right on all three.
    /// </summary>
    public static string CompareReading(IEnumerable<CompositionalResult> results)
    {
        var lines = new List<string>();
        foreach (var split in results.GroupBy(r => r.CombinationsPerDigit).OrderBy(g => g.Key))
        {
            var runs = split.ToList();
            double noRc = runs.Average(r => r.NoRc.Unseen.FrechetDistance), rc = runs.Average(r => r.Rc.Unseen.FrechetDistance);
            double lowest = runs.Min(r => r.UnseenFdImprovement), highest = runs.Max(r => r.UnseenFdImprovement);
            lines.Add($"D holding {split.Key} of each digit's 4 combinations, {runs.Count} run{(runs.Count == 1 ? "" : "s")}: mean FD on the classes D lacks " +
                      $"{noRc:F2} without RC, {rc:F2} with it ({1 - rc / noRc:+0.0%;-0.0%} for RC; per run {lowest:+0.0%;-0.0%} to {highest:+0.0%;-0.0%}); " +
                      $"all three attributes right: no RC {runs.Average(r => r.NoRc.Unseen.AllThreeAccuracy):P1}, RC {runs.Average(r => r.Rc.Unseen.AllThreeAccuracy):P1}.");
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>What the numbers say, in sentences built from them.</summary>
    public string Reading()
    {
        var (t, rc, noRc) = (TeacherScores.Unseen, Rc.Unseen, NoRc.Unseen);
        var lines = new List<string>
        {
            $"{SourceFile ?? $"This {Scale}-scale run"}: on the {40 - SeenClasses.Count} classes D lacks, FD is {noRc.FrechetDistance:F2} without RC and " +
            $"{rc.FrechetDistance:F2} with it ({(UnseenFdImprovement < 0 ? "-" : "+")}{Math.Abs(UnseenFdImprovement):0.0%} for RC; the teacher {t.FrechetDistance:F2}); all three attributes right: " +
            $"no RC {noRc.AllThreeAccuracy:P1}, RC {rc.AllThreeAccuracy:P1}, teacher {t.AllThreeAccuracy:P1}.",
        };
        if (t.AllThreeAccuracy < 0.5)
            lines.Add("The teacher itself follows the attribute words on these classes less than half the time, so the students cannot show much.");
        else if (UnseenFdImprovement >= 0.10)
            lines.Add("That is the paper's effect in kind: random conditioning lowers FD on what D lacks by 10 % or more.");
        else if (UnseenFdImprovement > 0)
            lines.Add("Random conditioning helps on what D lacks, by less than the paper's 14.7 %.");
        else
            lines.Add("Random conditioning does not lower FD on what D lacks in this run.");
        return string.Join(Environment.NewLine, lines);
    }
}
