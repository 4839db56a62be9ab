using System.Text.Json.Serialization;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Plotly.NET.CSharp;
using RandCond.Experiments.Runs;
using RandCond.Plotting;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>
/// One student of the held-out-digit experiment: "no-rc" (D's captions only) or "rc" (random conditioning with the p(t)
/// named in <see cref="Replacement"/>); its accuracy on the held-out digit, the mean over the seen digits, and every digit's.
/// </summary>
public sealed record HeldOutDigitArm(string Arm, string Replacement, int Steps, double HeldOutAccuracy, double SeenAccuracy,
    double HeldOutRatioToTeacher, double? FinalLoss, IReadOnlyList<double> PerDigitAccuracy)
{
    /// <summary>The student's run in the run store (its loss curves), when it was made in this process.</summary>
    [JsonIgnore] public long? RunId { get; init; }

    [JsonIgnore] public bool RandomConditioning => Arm == "rc";

    [JsonIgnore] public string Model => RandomConditioning ? "student, RC" : "student, no RC";

    /// <summary>The arm's entry from what <see cref="DistillationBench.Run"/> returned.</summary>
    public static HeldOutDigitArm Of(string arm, string replacement, ArmResult result, int heldOutDigit, double teacherHeldOut)
    {
        var scores = result.Scores;
        double heldOut = scores.PerClassAccuracy[heldOutDigit];
        return new HeldOutDigitArm(arm, replacement, result.Outcome.Steps, heldOut, HeldOutDigitResult.SeenMean(scores.PerClassAccuracy, heldOutDigit),
            heldOut / Math.Max(teacherHeldOut, 1e-9), result.Outcome.History.Count > 0 ? result.Outcome.History[^1].Total : null,
            scores.PerClassAccuracy.ToArray()) { RunId = result.RunId };
    }
}

/// <summary>
/// What a held-out-digit run produced, as its record in results/ holds it (snake_case fields): who made it, the setup,
/// the teacher's accuracy on the held-out and the seen digits, and one <see cref="HeldOutDigitArm"/> per student.
/// <see cref="Table"/> and <see cref="PerDigitChart"/> show it; <see cref="Recorded"/> reads a committed record back.
/// Records written before a field existed load with its default (conditioning "text"; no teacher per-digit accuracy).
/// Older records name their host; records made since do not (<see cref="Host"/> is null and left out of the file).
/// </summary>
public sealed record HeldOutDigitResult(string Experiment, string GitCommit, string Device, string Libtorch, string Dotnet, string Command,
    string DateUtc, string Scale, int HeldOutDigit, string Teacher, string Student, string ImageSet, string TextCorpus,
    string Distillation, string Sampling, double TeacherHeldOutAccuracy, double TeacherSeenAccuracy, IReadOnlyList<HeldOutDigitArm> Students,
    string SampleGrid, double Seconds, string Conditioning = "text", bool? CudaGraph = null, IReadOnlyList<double>? TeacherPerDigitAccuracy = null,
    string? Goals = null)
{
    /// <summary>The machine of records made before records stopped naming it; null since.</summary>
    public string? Host { get; init; }

    /// <summary>The sampling and step paths the run took (<see cref="CudaFastPaths"/>); null in records made before they were recorded (see <see cref="CudaGraph"/>).</summary>
    public CudaFastPaths? FastPaths { get; init; }
    /// <summary>The host settings the run had (<see cref="Tensors.HostMemory"/>, <see cref="Tensors.Blas"/>); null in records before 2026-12-05.</summary>
    public string? HostMemory { get; init; }
    public string? Blas { get; init; }

    /// <summary>The bf16 step's losses next to float32's on the first batch, when the run distilled with the bf16 step.</summary>
    public StepPrecisionCheck? StepPrecision { get; init; }

    /// <summary>results/NAME.json when read from a file, else null (a run of this process).</summary>
    [JsonIgnore] public string? SourceFile { get; init; }

    /// <summary>The teacher / no-RC / RC samples of every digit from the same noise, when the run was made in this process.</summary>
    [JsonIgnore] public ImageGrid? Samples { get; init; }

    /// <summary>"results/X.json: NVIDIA H100 80GB HBM3, 2026-11-22T08:05:48Z, commit 4add14ee15ad".</summary>
    [JsonIgnore]
    public string Provenance => $"{SourceFile ?? "this run"}: {Device}, {DateUtc}, commit {(GitCommit.Length > 12 ? GitCommit[..12] : GitCommit)}";

    public HeldOutDigitArm Arm(string name) => Students.FirstOrDefault(s => s.Arm == name)
        ?? throw new KeyNotFoundException($"the held-out-digit record {SourceFile ?? "of this run"} has no '{name}' student (it has {string.Join(", ", Students.Select(s => s.Arm))})");

    [JsonIgnore] public HeldOutDigitArm NoRc => Arm("no-rc");
    [JsonIgnore] public HeldOutDigitArm Rc => Arm("rc");

    /// <summary>The mean accuracy over the digits other than the held-out one.</summary>
    public static double SeenMean(IReadOnlyList<double> perDigit, int heldOutDigit) =>
        Enumerable.Range(0, perDigit.Count).Where(d => d != heldOutDigit).Average(d => perDigit[d]);

    /// <summary>Teacher and students: p(t), accuracy on the held-out digit and on the seen digits, steps, final loss.</summary>
    public DataFrame Table()
    {
        var heldOut = $"held-out digit {HeldOutDigit}";
        var table = DataFrames.Empty(("model", typeof(string)), ("p(t)", typeof(string)), (heldOut, typeof(double)), ("seen digits", typeof(double)),
            ("steps", typeof(int)), ("final loss", typeof(double)));
        table.AddRow("teacher", null, TeacherHeldOutAccuracy, TeacherSeenAccuracy, null, null);
        foreach (var s in Students) table.AddRow(s.Model, s.Replacement, s.HeldOutAccuracy, s.SeenAccuracy, s.Steps, s.FinalLoss);
        return table.WithStyle(new TableStyle().Column(heldOut, "0.0%", Better.Higher).Column("seen digits", "0.0%", Better.Higher).Column("final loss", "0.0000")
            .WithCaption($"Held-out digit {HeldOutDigit}, {Scale} scale, {Conditioning} conditioning ({Provenance}); D: {ImageSet}; {Distillation}"));
    }

    /// <summary>One row per record (e.g. the paper-scale runs): conditioning, student, RC's p(t), held-out digit, steps, and each model's held-out and seen accuracy.</summary>
    public static DataFrame Compare(IEnumerable<HeldOutDigitResult> results)
    {
        var table = DataFrames.Empty(("record", typeof(string)), ("conditioning", typeof(string)), ("student", typeof(string)), ("RC p(t)", typeof(string)),
            ("held-out digit", typeof(int)), ("steps", typeof(int)),
            ("teacher, held-out", typeof(double)), ("no RC, held-out", typeof(double)), ("RC, held-out", typeof(double)),
            ("teacher, seen", typeof(double)), ("no RC, seen", typeof(double)), ("RC, seen", typeof(double)));
        foreach (var r in results)
            table.AddRow(r.SourceFile ?? "this run", r.Conditioning, r.Student, r.Rc.Replacement, r.HeldOutDigit, r.Rc.Steps, r.TeacherHeldOutAccuracy, r.NoRc.HeldOutAccuracy,
                r.Rc.HeldOutAccuracy, r.TeacherSeenAccuracy, r.NoRc.SeenAccuracy, r.Rc.SeenAccuracy);
        var style = new TableStyle().Column("no RC, held-out", "0.0%", Better.Higher).Column("RC, held-out", "0.0%", Better.Higher)
            .Column("teacher, held-out", "0.0%").Column("teacher, seen", "0.0%").Column("no RC, seen", "0.0%", Better.Higher).Column("RC, seen", "0.0%", Better.Higher);
        return table.WithStyle(style.WithCaption("Held-out digit: accuracy on the digit absent from D and mean accuracy on the seen digits"));
    }

    /// <summary>
    /// What the numbers say, in sentences built from them: how the RC and no-RC students draw the held-out digit against
    /// the teacher, whether that is the paper's effect (RC at 90 % or more of the teacher's held-out accuracy, no RC at
    /// most half of RC's) or short of it, and whether the students are under-trained on the seen digits.
    /// </summary>
    public string Reading()
    {
        var (teacher, rc, noRc) = (TeacherHeldOutAccuracy, Rc.HeldOutAccuracy, NoRc.HeldOutAccuracy);
        var lines = new List<string>
        {
            $"{SourceFile ?? $"This {Scale}-scale run"}: asked for the held-out digit {HeldOutDigit}, the teacher draws it {teacher:P1} of the time, " +
            $"the RC student {rc:P1} ({rc / Math.Max(teacher, 1e-9):P1} of the teacher's), the no-RC student {noRc:P1}.",
        };
        if (teacher < 0.5)
            lines.Add("The teacher itself rarely draws the digit at this scale, so the students' numbers say nothing about the paper's effect.");
        else if (rc >= 0.9 * teacher && noRc <= 0.5 * rc)
            lines.Add("That is the paper's effect: with random conditioning the student learned the digit it never saw; without it, it mostly did not.");
        else if (rc >= 0.9 * teacher)
            lines.Add($"RC reaches the teacher, but the no-RC student also draws the digit {noRc:P1} of the time (through the teacher's frozen condition encoder it shares), " +
                      "so the gap is smaller than the paper's.");
        else if (rc > noRc + 0.1)
            lines.Add($"RC helps on the held-out digit (+{(rc - noRc) * 100:F1} points) but stays below 90 % of the teacher's accuracy: short of the paper's effect.");
        else
            lines.Add($"At this scale random conditioning does not separate the students on the held-out digit ({rc - noRc:+0.0%;-0.0%} for RC): the paper's effect does not show here.");
        double seen = Math.Max(Rc.SeenAccuracy, NoRc.SeenAccuracy);
        if (seen < TeacherSeenAccuracy - 0.05)
            lines.Add($"Both students read their seen digits less reliably than the teacher ({NoRc.SeenAccuracy:P1} without RC, {Rc.SeenAccuracy:P1} with, teacher {TeacherSeenAccuracy:P1}): " +
                      $"after {Rc.Steps} steps (recipe: {Distillation}) they are under-trained, which caps the held-out accuracy too.");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Grouped bars: per-digit accuracy of each model (the teacher where the record has it), the held-out digit marked.</summary>
    public GenericChart PerDigitChart()
    {
        var digits = Enumerable.Range(0, 10).Select(d => d == HeldOutDigit ? $"{d} (held out)" : d.ToString()).ToArray();
        var models = new List<(string Name, IReadOnlyList<double> Values, string Color)>();
        if (TeacherPerDigitAccuracy is { } teacher) models.Add(("teacher", teacher, "#7f7f7f"));
        foreach (var s in Students) models.Add((s.RandomConditioning ? "RC student" : "no-RC student", s.PerDigitAccuracy, s.RandomConditioning ? "#d62728" : "#1f77b4"));
        var bars = models.Select(m => Chart.Column<double, string, string>(m.Values, Keys: digits, Name: m.Name, MarkerColor: Color.fromString(m.Color)));
        return Chart.Combine(bars)
            .WithTitle($"Per-digit accuracy of samples, digit {HeldOutDigit} absent from D ({Scale} scale, {Conditioning} conditioning)")
            .WithXAxis("digit asked for").WithYAxis("accuracy (classifier reads the digit asked for)", min: 0, max: 1.02)
            .SetLayout("shapes", new[]
            {
                // A band behind the held-out digit's bars.
                new { type = "rect", xref = "x", yref = "paper", x0 = HeldOutDigit - 0.5, x1 = HeldOutDigit + 0.5, y0 = 0, y1 = 1,
                      fillcolor = "rgba(214, 39, 40, 0.08)", line = new { width = 0 }, layer = "below" },
            })
            .WithSize(900, 480);
    }

    /// <summary>The output distillation loss of each student against the step, from the run store; null when no student has logged one.</summary>
    public GenericChart? LossChart(RunStore store)
    {
        var curves = new List<GenericChart>();
        foreach (var s in Students)
        {
            if (s.RunId is not { } id) continue;
            var points = store.Metric(id, "loss_output");
            if (points.Count == 0) continue;
            curves.Add(Chart.Line<double, double, string>(points.Select(p => (double)p.Step), points.Select(p => p.Value),
                Name: s.RandomConditioning ? "RC" : "no RC", LineColor: Color.fromString(s.RandomConditioning ? "#d62728" : "#1f77b4")));
        }
        return curves.Count == 0 ? null : Chart.Combine(curves).WithSize(900, 480)
            .WithTitle("Output distillation loss MSE(ε<sub>S</sub>, ε<sub>T</sub>) against the training step")
            .WithXAxis("step").WithYAxis("MSE(ε<sub>S</sub>, ε<sub>T</sub>)", log: true);
    }

    /// <summary>Writes the record to <paramref name="path"/> atomically; returns the full path.</summary>
    public string Write(string path) => RecordedRuns.Write(path, this);

    /// <summary>Reads a held-out-digit record; a bad record throws <see cref="InvalidDataException"/> naming the file and the field.</summary>
    public static HeldOutDigitResult Load(string path)
    {
        var result = RecordedRuns.Read<HeldOutDigitResult>(path, "held-out-digit");
        result.Check(path);
        return result with { SourceFile = RecordedRuns.SourceName(path) };
    }

    /// <summary>The committed record results/<paramref name="fileName"/>, or null when that run has not been recorded.</summary>
    public static HeldOutDigitResult? Recorded(string fileName)
    {
        var path = RepoPaths.Results(fileName);
        return File.Exists(path) ? Load(path) : null;
    }

    // What the serializer cannot check: ranges and lengths.
    private void Check(string path)
    {
        void Fail(string field, string problem) => throw new InvalidDataException($"{path}: field '{field}' {problem}");
        if (Experiment != HeldOutDigitLab.Experiment) Fail("experiment", $"is '{Experiment}', expected '{HeldOutDigitLab.Experiment}'");
        if (HeldOutDigit is < 0 or > 9) Fail("held_out_digit", $"is {HeldOutDigit}, expected a digit 0-9");
        if (Students.Count == 0) Fail("students", "is empty");
        for (int i = 0; i < Students.Count; i++)
        {
            var s = Students[i];
            if (s.Arm is not ("no-rc" or "rc")) Fail($"students[{i}].arm", $"is '{s.Arm}', expected no-rc or rc");
            if (s.PerDigitAccuracy.Count != 10) Fail($"students[{i}].per_digit_accuracy", $"has {s.PerDigitAccuracy.Count} entries, expected 10");
            foreach (var (name, value) in new[] { ("held_out_accuracy", s.HeldOutAccuracy), ("seen_accuracy", s.SeenAccuracy) })
                if (value is < 0 or > 1 || double.IsNaN(value)) Fail($"students[{i}].{name}", $"is {value}, expected a fraction in [0, 1]");
        }
        if (TeacherPerDigitAccuracy is { Count: not 10 } t) Fail("teacher_per_digit_accuracy", $"has {t.Count} entries, expected 10");
    }
}
