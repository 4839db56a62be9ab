using Microsoft.Data.Analysis;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Distillation;
using RandCond.Plotting;
using RandCond.Tensors;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>What one ablation study wrote: the JSON record, its table and its figure.</summary>
public sealed record AblationResult(JsonObject Record, DataFrame Table, GenericChart Figure);

/// <summary>
/// The paper's ablations at our scale, one study per call, each a set of students distilled with the shared per-arm
/// routine (<see cref="DistillationBench"/>) and the setups of the held-out-digit and footwear-unseen labs:
/// <list type="bullet">
/// <item><c>family-random</c>: the p(t) family for a randomly initialized student, held-out-digit setup (MNIST, digit 3 absent from D);</item>
/// <item><c>family-teacher</c>: the p(t) family for a student initialized from the teacher, footwear-unseen setup (Fashion-MNIST);</item>
/// <item><c>images</c>: the size of D (images per class, nested subsets of one generated set), without and with RC, held-out-digit setup;</item>
/// <item><c>captions</c>: the size of C (balanced, nested subsets that keep every class, the held-out digit included), with RC, held-out-digit setup.</item>
/// </list>
/// Writes ablation-&lt;study&gt;-&lt;scale&gt;-&lt;cpu|cuda&gt;.{json,md,tex,html,png} to <see cref="RepoPaths.ResultsFor"/>.
/// </summary>
public static class AblationsLab
{
    public const string Experiment = "ablations";
    public static readonly string[] Studies = ["family-random", "family-teacher", "images", "captions"];
    public const string DefaultFamilies = "off,linear,exponential,sigmoid,constant:0.5";

    /// <summary>One student of a study: its label, p(t), D's images per class, and C's size (null: the full corpus with D's own captions).</summary>
    private sealed record Arm(string Label, ReplacementProbability Replacement, int ImagesPerClass, int? CaptionCount);

    public static int Run(LabArguments a, TextWriter log)
    {
        Execute(a, log);
        return 0;
    }

    public static AblationResult Execute(LabArguments a, TextWriter log)
    {
        var study = a.Optional("study") ?? throw new ArgumentException($"--study is required: one of {string.Join(", ", Studies)}");
        if (!Studies.Contains(study)) throw new ArgumentException($"--study: unknown study '{study}' (known: {string.Join(", ", Studies)})");
        var device = a.Device();
        var scale = AblationScale.Named(a.String("scale", "quick"));
        int steps = a.Int("steps", -1);
        double budget = a.Double("time-budget-min", -1);
        if (steps > 0 || budget > 0)
            scale = scale with
            {
                Digit = scale.Digit with
                {
                    DistillSteps = steps > 0 ? steps : scale.Digit.DistillSteps, TimeBudgetMinutes = budget > 0 ? budget : scale.Digit.TimeBudgetMinutes,
                },
                Fashion = scale.Fashion with
                {
                    DistillSteps = steps > 0 ? steps : scale.Fashion.DistillSteps, MinutesPerStudent = budget > 0 ? budget : scale.Fashion.MinutesPerStudent,
                },
            };
        bool fashion = study == "family-teacher";
        var kind = fashion ? DatasetKind.FashionMnist : DatasetKind.Mnist;
        var group = fashion ? ConceptGroups.Named(kind, a.String("exclude", "footwear")) : ConceptGroups.Digit(a.Int("held-out", 3));
        int generatedPerClass = fashion ? scale.Fashion.ImagesPerClass : scale.Digit.ImagesPerDigit;
        var arms = study switch
        {
            "family-random" or "family-teacher" => Families(a.String("families", DefaultFamilies), generatedPerClass),
            "images" => ImageSizes(Sizes(a.String("image-sizes", string.Join(",", scale.ImageSizes)), "image-sizes"), generatedPerClass),
            _ => CaptionSizes(Sizes(a.String("caption-sizes", string.Join(",", scale.CaptionSizes)), "caption-sizes"), generatedPerClass),
        };
        var teacherPath = a.String("teacher", RepoPaths.Data("teachers", $"{kind.Slug()}-teacher.safetensors"));
        bool cudaGraph = a.CudaGraph(device);
        a.CheckAllUsed();
        var clock = Stopwatch.StartNew();

        using var bench = DistillationBench.Open(Experiment, teacherPath, device, log, fashion ? group : null);
        if (bench.Kind != kind) throw new ArgumentException($"the {study} study needs a {kind.DisplayName()} teacher; {teacherPath} is {bench.Kind.DisplayName()}");
        var spec = fashion ? StudentSpec.BlockRemoved(StudentInit.Teacher) : StudentSpec.BlockRemoved(StudentInit.Random);
        var options = (fashion ? DistillationTableLab.Options(scale.Fashion) : HeldOutDigitLab.Options(scale.Digit)) with { CudaGraph = cudaGraph };
        var plan = fashion ? DistillationTableLab.Sampling(scale.Fashion) : HeldOutDigitLab.Sampling(scale.Digit);
        var recipe = fashion
            ? new ImageSetRecipe(scale.Fashion.ImagesPerClass, scale.Fashion.GenerationSteps, bench.Preset.GuidanceScale)
            : new ImageSetRecipe(scale.Digit.ImagesPerDigit, scale.Digit.GenerationSteps, bench.Preset.GuidanceScale);
        var full = CaptionCorpus.Full(kind);
        var dCaptions = full.Excluding(group);
        log.WriteLine($"ablation {study}, {scale.Name} scale on {RunRecord.DeviceName(device)}: {spec.Label}, {group.Name} absent from D, {arms.Count} students");

        using var generated = bench.Generate(dCaptions, recipe);
        var (teacherScores, teacherSamples) = bench.Score("teacher", bench.Teacher, plan);
        teacherSamples.Dispose();
        var rows = new JsonArray();
        foreach (var arm in arms)
        {
            using var images = arm.ImagesPerClass < generatedPerClass ? FirstPerClass(generated, arm.ImagesPerClass) : null;
            var textCorpus = arm.CaptionCount is { } count ? BalancedCaptions.Subset(full, count) : full;
            using var repaired = arm.CaptionCount is null ? null : Repaired(images ?? generated, textCorpus.Excluding(group));
            var data = new DistillationData(repaired ?? images ?? generated, textCorpus);
            var name = RunName(scale.Name, kind, group, spec, arm);
            var config = new JsonObject { ["study"] = study, ["scale"] = scale.Name, ["excluded"] = group.Name, ["images_per_class"] = arm.ImagesPerClass };
            using var result = bench.Run(new DistillationArm(name, data, spec, options with { Replacement = arm.Replacement }, config), plan);
            rows.Add(Row(arm, data, result, group, fashion));
        }

        var folder = RepoPaths.ResultsFor(scale.Name);
        var stem = Path.Combine(folder, $"ablation-{study}-{scale.Name}-{(device.IsCuda ? "cuda" : "cpu")}");
        string setup = $"{kind.DisplayName()}, {group.Name} absent from D and present in C; {spec.Label}";
        var json = RunRecord.Header(Experiment, device);
        json["study"] = study;
        json["scale"] = scale.Name;
        json["scale_note"] = scale.Note;
        json["dataset"] = kind.Slug();
        json["excluded_group"] = group.Name;
        json["teacher"] = Path.GetFileName(teacherPath);
        json["student"] = spec.Label;
        json["image_set"] = $"{generated.Count} teacher images of every class but {group.Name}: {recipe}" +
                            (study == "images" ? "; smaller D are its first n images of each class" : "");
        json["text_corpus"] = study == "captions"
            ? $"balanced nested subsets of the {full.Count} captions (every class, {group.Name} included); D's images re-paired with captions of their class from each subset"
            : $"all {full.Count} captions ({group.Name} included)";
        json["cuda_graph"] = cudaGraph;
        json["distillation"] = $"{options.Steps} steps of {options.BatchSize} ({(options.TimeBudget is { } limit ? $"time budget {limit.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min per student" : "no time budget")}), lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)}, output + feature KD, seed {options.Seed}";
        json["sampling"] = $"{plan.PerClass} per class, DDIM {plan.Steps} steps, guidance {bench.Preset.GuidanceScale.ToString(CultureInfo.InvariantCulture)}, seed {plan.Seed}";
        json["table_caption"] = $"Ablation {study}, {scale.Name} scale ({RunRecord.DeviceName(device)}): {setup}; {options.Steps} steps of {options.BatchSize}; " +
                                $"scores from {plan.PerClass} samples per class, DDIM {plan.Steps} steps, guidance {bench.Preset.GuidanceScale.ToString(CultureInfo.InvariantCulture)}";
        json["teacher_scores"] = ScoresJson(teacherScores, group, fashion);
        json["rows"] = rows;
        var table = TableOf(json);
        var figure = FigureOf(json);
        table.Save(stem + ".md");
        table.Save(stem + ".tex");
        figure.Export(stem + ".html");

        json["table"] = Path.GetFileName(stem + ".md");
        json["figure_html"] = Path.GetFileName(stem + ".html");
        try
        {
            figure.Export(stem + ".png", scale: 1);
            json["figure_png"] = Path.GetFileName(stem + ".png");
        }
        catch (PlottingDependencyException e)
        {
            log.WriteLine($"(no figure PNG: {e.Message})");
        }
        json["seconds"] = clock.Elapsed.TotalSeconds;
        var path = ResultFiles.Write(stem + ".json", json);
        log.WriteLine(table.ToText());
        log.WriteLine($"-> {path} ({clock.Elapsed.TotalMinutes:F1} min)");
        return new AblationResult(json, table, figure);
    }

    private static List<Arm> Families(string text, int imagesPerClass) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => new Arm(f, ReplacementProbability.Parse(f), imagesPerClass, null)).ToList();

    private static List<Arm> ImageSizes(IReadOnlyList<int> sizes, int generatedPerClass)
    {
        if (sizes.Max() > generatedPerClass)
            throw new ArgumentException($"--image-sizes: at most the {generatedPerClass} images per class this scale generates, got {sizes.Max()}");
        return sizes.SelectMany(n => new[]
        {
            new Arm($"{n} per class, no RC", ReplacementProbability.Off, n, null),
            new Arm($"{n} per class, RC", ReplacementProbability.DefaultFor(teacherInitialized: false), n, null),
        }).ToList();
    }

    private static List<Arm> CaptionSizes(IReadOnlyList<int> sizes, int generatedPerClass)
    {
        foreach (var size in sizes) BalancedCaptions.Subset(CaptionCorpus.Full(DatasetKind.Mnist), size);   // a bad size fails before anything runs
        return sizes.Select(k => new Arm($"|C| = {k}", ReplacementProbability.DefaultFor(teacherInitialized: false), generatedPerClass, k)).ToList();
    }

    private static int[] Sizes(string text, string option)
    {
        try
        {
            var sizes = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            if (sizes.Length == 0 || sizes.Any(s => s < 1)) throw new FormatException();
            return sizes;
        }
        catch (FormatException)
        {
            throw new ArgumentException($"--{option}: a comma-separated list of positive integers, got '{text}'");
        }
    }

    /// <summary>The first <paramref name="perClass"/> images of each class of D (a generated D is class-major, so smaller sets nest in larger ones).</summary>
    private static ImageSet FirstPerClass(ImageSet set, int perClass)
    {
        using var scope = Torch.NewDisposeScope();
        var seen = new Dictionary<long, int>();
        var labels = set.Labels.Cpu().ToArray<long>();
        var keep = Enumerable.Range(0, labels.Length).Where(i => (seen[labels[i]] = seen.GetValueOrDefault(labels[i]) + 1) <= perClass).Select(i => (long)i).ToArray();
        var index = Torch.FromArray(keep, device: set.Device);
        return new ImageSet(set.Images.IndexSelect(0, index), set.CaptionIndices.IndexSelect(0, index), set.Captions);
    }

    /// <summary>D's images, each paired with a caption of its class drawn (seeded) from <paramref name="captions"/>, so that C ⊇ D's captions holds for a small C.</summary>
    private static ImageSet Repaired(ImageSet set, CaptionCorpus captions)
    {
        using var generator = new Generator(5);
        return ImageSet.FromLabeledImages(set.Images, set.Labels, captions, generator);
    }

    /// <summary>Named by configuration, not by study, so an identical student (e.g. sigmoid p(t) on the full D and C) is trained once and reused.</summary>
    private static string RunName(string scale, DatasetKind kind, ConceptGroup group, StudentSpec spec, Arm arm)
    {
        var text = $"{scale}-{kind.Slug()}-without-{group.Name}-{spec.Name}-{(spec.Init == StudentInit.Random ? "random" : "teacher")}-d{arm.ImagesPerClass}" +
                   $"-c{(arm.CaptionCount is { } k ? k.ToString(CultureInfo.InvariantCulture) + "-repaired" : "all")}-{arm.Replacement.Name}";
        return new string(text.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' ? ch : '-').ToArray());
    }

    private static JsonObject ScoresJson(ModelScores s, ConceptGroup group, bool fashion)
    {
        var json = new JsonObject
        {
            ["fd"] = s.FrechetDistance, ["inception_score"] = s.InceptionScore, ["accuracy"] = s.Accuracy,
            ["per_class_accuracy"] = new JsonArray(s.PerClassAccuracy.Select(v => (JsonNode?)v).ToArray()),
            ["images_per_second"] = s.ImagesPerSecond,
        };
        if (fashion)
        {
            json["group_fd"] = s.GroupFrechetDistance;
            json["group_accuracy"] = s.GroupAccuracy;
        }
        else
        {
            json["held_out_accuracy"] = s.PerClassAccuracy[group.Classes[0]];
            json["seen_accuracy"] = s.AccuracyOutside(group);
        }
        return json;
    }

    private static JsonObject Row(Arm arm, DistillationData data, ArmResult result, ConceptGroup group, bool fashion)
    {
        var row = new JsonObject
        {
            ["arm"] = arm.Label, ["replacement"] = arm.Replacement.Name, ["replacement_mean"] = arm.Replacement.Mean(TeacherPreset.TimeSteps),
            ["images_per_class"] = arm.ImagesPerClass, ["image_set_size"] = data.Images.Count, ["text_corpus_size"] = data.TextCorpus.Count,
            ["steps"] = result.Outcome.Steps, ["final_loss"] = result.Outcome.History.Count > 0 ? result.Outcome.History[^1].Total : null,
            ["run_id"] = result.RunId,
        };
        foreach (var (key, value) in ScoresJson(result.Scores, group, fashion)) row[key] = value?.DeepClone();
        return row;
    }

    private static double D(JsonNode? row, string key) => (double)row![key]!;

    /// <summary>The study's table, rebuilt from its JSON record (so a recorded run, e.g. from the GPU, shows as it was written).</summary>
    public static DataFrame TableOf(JsonObject record)
    {
        var study = record["study"]!.GetValue<string>();
        var group = record["excluded_group"]!.GetValue<string>();
        var rows = record["rows"]!.AsArray();
        var teacher = record["teacher_scores"]!;
        var (table, style) = study == "family-teacher" ? FamilyTeacherTable(rows, teacher, group) : DigitTable(study, rows, teacher, group);
        return table.WithStyle(style.WithCaption(record["table_caption"]!.GetValue<string>(), $"tab:ablation-{study}"));
    }

    private static (DataFrame, TableStyle) DigitTable(string study, JsonArray rows, JsonNode teacher, string group)
    {
        (string, Type)[] head = study switch
        {
            "images" => [("model", typeof(string)), ("images per class", typeof(int)), ("|D|", typeof(long)), ("p(t)", typeof(string))],
            "captions" => [("model", typeof(string)), ("|C|", typeof(int)), ("captions per class", typeof(int)), ("p(t)", typeof(string))],
            _ => [("model", typeof(string)), ("p(t)", typeof(string)), ("mean p", typeof(double))],
        };
        var table = DataFrames.Empty([.. head, ($"held-out {group}", typeof(double)), ("seen digits", typeof(double)), ("FD", typeof(double)), ("steps", typeof(int))]);
        var style = new TableStyle().Column("mean p", "0.000").Column($"held-out {group}", "0.0%", Better.Higher)
            .Column("seen digits", "0.0%", Better.Higher).Column("FD", "0.00", Better.Lower);
        object?[] teacherHead = study == "family-random" ? ["teacher", null, null] : ["teacher", null, null, null];
        table.AddRow([.. teacherHead, D(teacher, "held_out_accuracy"), D(teacher, "seen_accuracy"), D(teacher, "fd"), null]);
        foreach (var r in rows)
        {
            object?[] cells = study switch
            {
                "images" => ["student", (int)r!["images_per_class"]!, (long)r["image_set_size"]!, r["replacement"]!.GetValue<string>()],
                "captions" => ["student", (int)r!["text_corpus_size"]!, (int)r["text_corpus_size"]! / DatasetKind.Mnist.NumClasses(), r["replacement"]!.GetValue<string>()],
                _ => ["student", r!["replacement"]!.GetValue<string>(), D(r, "replacement_mean")],
            };
            table.AddRow([.. cells, D(r, "held_out_accuracy"), D(r, "seen_accuracy"), D(r, "fd"), (int)r["steps"]!]);
        }
        return (table, style);
    }

    private static (DataFrame, TableStyle) FamilyTeacherTable(JsonArray rows, JsonNode teacher, string group)
    {
        var table = DataFrames.Empty(("model", typeof(string)), ("p(t)", typeof(string)), ("mean p", typeof(double)), ($"FD {group}", typeof(double)),
            ($"accuracy {group}", typeof(double)), ("FD", typeof(double)), ("accuracy", typeof(double)), ("steps", typeof(int)));
        var style = new TableStyle().Column("mean p", "0.000").Column($"FD {group}", "0.00", Better.Lower).Column($"accuracy {group}", "0.0%", Better.Higher)
            .Column("FD", "0.00", Better.Lower).Column("accuracy", "0.0%", Better.Higher);
        table.AddRow("teacher", null, null, D(teacher, "group_fd"), D(teacher, "group_accuracy"), D(teacher, "fd"), D(teacher, "accuracy"), null);
        foreach (var r in rows)
            table.AddRow("student", r!["replacement"]!.GetValue<string>(), D(r, "replacement_mean"), D(r, "group_fd"), D(r, "group_accuracy"),
                         D(r, "fd"), D(r, "accuracy"), (int)r["steps"]!);
        return (table, style);
    }

    /// <summary>The study's figure, rebuilt from its JSON record.</summary>
    public static GenericChart FigureOf(JsonObject record)
    {
        var study = record["study"]!.GetValue<string>();
        var group = record["excluded_group"]!.GetValue<string>();
        var teacher = record["teacher_scores"]!;
        var list = record["rows"]!.AsArray().Select(r => r!).ToList();
        string[] labels = list.Select(r => r["arm"]!.GetValue<string>()).ToArray();
        double[] Of(string key, IEnumerable<JsonNode> from) => from.Select(r => D(r, key)).ToArray();
        string scale = record["scale"]!.GetValue<string>();
        GenericChart Bars(double[] values, string name, string color) =>
            Chart.Column<double, string, string>(values, Keys: labels, Name: name, MarkerColor: Color.fromString(color));
        GenericChart Curve(double[] x, double[] y, string name, string color, bool dotted) =>
            Chart.Line<double, double, string>(x, y, ShowMarkers: true, Name: name, LineColor: Color.fromString(color),
                LineWidth: dotted ? 2 : 3, LineDash: dotted ? StyleParam.DrawingStyle.Dot : StyleParam.DrawingStyle.Solid);
        switch (study)
        {
            case "family-teacher":
                return Chart.Combine(new[]
                    {
                        Bars(Of("group_fd", list), $"FD {group}", "#d62728"),
                        Bars(Of("fd", list), "FD, all classes", "#1f77b4"),
                        Chart.Line<string, double, string>(new[] { labels[0], labels[^1] }, new[] { D(teacher, "group_fd"), D(teacher, "group_fd") },
                            Name: $"teacher, FD {group}", LineColor: Color.fromString("#444"), LineDash: StyleParam.DrawingStyle.Dot),
                    })
                    .WithTitle($"Fréchet distance of samples per p(t) family, student from the teacher's weights ({group} absent from D; {scale} scale)")
                    .WithXAxis("p(t) family").WithYAxis("Fréchet distance (classifier features), lower is better").WithSize(800, 480);
            case "family-random":
                return Chart.Combine(new[]
                    {
                        Bars(Of("held_out_accuracy", list), $"held-out {group}", "#d62728"),
                        Bars(Of("seen_accuracy", list), "seen digits", "#1f77b4"),
                    })
                    .WithTitle($"Accuracy of samples per p(t) family, student from random weights ({group} absent from D; {scale} scale)")
                    .WithXAxis("p(t) family").WithYAxis("accuracy of samples", min: 0, max: 1.02).WithSize(800, 480);
            case "images":
            {
                var curves = new List<GenericChart>();
                foreach (var (rc, color) in new[] { (false, "#1f77b4"), (true, "#d62728") })
                {
                    var arm = list.Where(r => D(r, "replacement_mean") > 0 == rc).ToList();
                    var x = arm.Select(r => (double)(int)r["images_per_class"]!).ToArray();
                    curves.Add(Curve(x, Of("held_out_accuracy", arm), $"held-out {group}, {(rc ? "RC" : "no RC")}", color, dotted: false));
                    curves.Add(Curve(x, Of("seen_accuracy", arm), $"seen digits, {(rc ? "RC" : "no RC")}", color, dotted: true));
                }
                return Chart.Combine(curves)
                    .WithTitle($"Accuracy of samples against the size of D ({group} absent from D; {scale} scale)")
                    .WithXAxis("images per class in D", log: true).WithYAxis("accuracy of samples", min: 0, max: 1.02).WithSize(800, 480);
            }
            default:
            {
                var x = list.Select(r => (double)(int)r["text_corpus_size"]!).ToArray();
                return Chart.Combine(new[]
                    {
                        Curve(x, Of("held_out_accuracy", list), $"held-out {group}", "#d62728", dotted: false),
                        Curve(x, Of("seen_accuracy", list), "seen digits", "#1f77b4", dotted: true),
                    })
                    .WithTitle($"Accuracy of samples against the size of C, with RC ({group} absent from D, its captions in every C; {scale} scale)")
                    .WithXAxis("captions in C", log: true).WithYAxis("accuracy of samples", min: 0, max: 1.02).WithSize(800, 480);
            }
        }
    }
}
