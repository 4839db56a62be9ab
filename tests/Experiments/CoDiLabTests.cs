using RandCond.Cli.Lab;
using System.Text.Json.Nodes;
using RandCond.Distillation.CoDi;
using RandCond.Experiments;

namespace RandCond.Tests.Labs;

/// <summary>The CoDi lab: its config presets and the verb's mapping onto them, its committed records, and a smoke run end to end.</summary>
public sealed class CoDiLabTests
{
    [Fact]
    public void Presets_are_named_by_scale_and_an_unknown_scale_is_refused()
    {
        Assert.Same(CoDiConfig.Smoke, CoDiConfig.For("smoke"));
        Assert.Same(CoDiConfig.Quick, CoDiConfig.For("quick"));
        Assert.Same(CoDiConfig.Paper, CoDiConfig.For("paper"));
        Assert.Equal(["smoke", "quick", "paper"], new[] { CoDiConfig.Smoke, CoDiConfig.Quick, CoDiConfig.Paper }.Select(c => c.Scale));
        Assert.Equal("quick-teacher", CoDiConfig.Quick.TeacherSize);
        Assert.Equal(128, CoDiConfig.Paper.BatchSize);
        Assert.Contains("huge", Assert.Throws<ArgumentException>(() => CoDiConfig.For("huge")).Message);
        Assert.Equal("", CoDiConfig.Paper.RecordTag);
        Assert.Equal("codi-mnist-sr7-paper-cpu", CoDiConfig.Paper.RecordStem);
    }

    [Fact]
    public void Overrides_change_the_variants_options_and_name_their_own_record()
    {
        var config = CoDiConfig.Quick with { Steps = 300, GateLearningRateScale = 3, EmaDecay = 0.99, ClipX0 = null, Task = "sr14" };
        Assert.Equal("-300x16-gate3-ema0.99", config.RecordTag);
        Assert.Equal("codi-mnist-sr14-quick-300x16-gate3-ema0.99-noclip-cpu", config.RecordStem);
        var codi = config.Options("codi");
        Assert.Equal((300, 3.0, 0.99), (codi.Steps, codi.GateLearningRateScale, codi.EmaDecay));
        Assert.EndsWith("codi-mnist-quick-teacher-sr14-quick-300x16-gate3-ema0.99-codi.ckpt2.safetensors", codi.CheckpointPath);
        Assert.True(config.Options("codi-pe").ParameterEfficient);
        Assert.Equal(CoDiPredictor.Ddim, config.Options("codi-ddim").Predictor);
        Assert.Equal(0, config.Options("codi-noguide").GuidanceWeight);
        var fineTune = config.Options("finetune");
        Assert.Equal((CoDiObjective.Denoising, 1.0), (fineTune.Objective, fineTune.BackboneLearningRateScale));
        Assert.Equal([1, 2, 4, 8, 50], config.SamplingStepsOf("finetune"));
        Assert.Equal([1, 2, 4, 8], config.SamplingStepsOf("codi"));
    }

    [Theory]
    [InlineData("Variants", "distill")]
    [InlineData("EvalImages", "1")]
    [InlineData("Task", "sr3")]
    [InlineData("SamplingSteps", "0")]
    public void Bad_knobs_are_refused_by_name(string field, string value)
    {
        var config = field switch
        {
            "Variants" => CoDiConfig.Smoke with { Variants = ["codi", value] },
            "EvalImages" => CoDiConfig.Smoke with { EvalImages = int.Parse(value) },
            "Task" => CoDiConfig.Smoke with { Task = value },
            _ => CoDiConfig.Smoke with { SamplingSteps = [int.Parse(value)] },
        };
        var e = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains(value, e.Message);
        if (field != "Task") Assert.Contains(field, e.Message);
    }

    [Fact]
    public void The_verb_maps_its_options_onto_the_scale_preset()
    {
        var config = new CoDiCommand().Config(
            ["--scale", "paper", "--dataset", "fashion-mnist", "--task", "inpaint", "--variants", "codi,finetune", "--sampling-steps", "1,4",
             "--finetune-steps", "20", "--steps", "900", "--ema", "0.99", "--clip-x0", "none", "--time-budget-min", "0.8"]);
        Assert.Equal(CoDiConfig.Paper with
        {
            Dataset = RandCond.Data.DatasetKind.FashionMnist, Task = "inpaint", Variants = config.Variants, SamplingSteps = config.SamplingSteps,
            FineTuneSteps = 20, Steps = 900, EmaDecay = 0.99, ClipX0 = null, TimeBudgetMinutes = 0.8,
        }, config);
        Assert.Equal(["codi", "finetune"], config.Variants);
        Assert.Equal([1, 4], config.SamplingSteps);
        Assert.Contains("--wrong", Assert.Throws<ArgumentException>(() => new CoDiCommand().Config("--scale", "smoke", "--wrong", "1")).Message);
    }

    [Fact]
    public void Every_committed_record_loads_as_the_typed_result()
    {
        var files = Directory.GetFiles(RepoPaths.Results(), "codi-*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var result = CoDiResult.Recorded(Path.GetFileName(file));
            Assert.Equal(CoDiLab.Experiment, result.Experiment);
            Assert.Equal("condition", result.Rows[0].Model);
            Assert.Equal(result.Rows.Count, result.Table().Rows.Count);
            Assert.Equal(result.Models.Count, result.ModelsTable().Rows.Count);
            // Written back, the typed record has the file's fields, so a new run's record reads like the committed ones.
            var original = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            Assert.Equal(original.Select(kv => kv.Key).Order(), result.ToJson().Select(kv => kv.Key).Order());
        }

        var sr7 = CoDiResult.Recorded("codi-mnist-sr7-paper-cuda.json");
        Assert.Equal(CoDiConfig.AllVariants, sr7.Models.Select(m => m.Variant));
        var codi4 = sr7.Row("codi", 4)!;
        Assert.True(codi4.Fd > 0 && codi4.Accuracy is > 0 and <= 1 && codi4.Psnr > 0);
        Assert.Equal(sr7.Codi4StepFdOverFinetunedFd!.Value, sr7.FdRatioToFineTuned()!.Value, 9);
        Assert.NotNull(sr7.Chart(CoDiMetric.Psnr));
    }

    [Theory]
    [InlineData("fd_vs_test", null)]
    [InlineData("accuracy", "\"high\"")]
    [InlineData("task", "null")]
    public void A_bad_record_names_its_file_and_field(string field, string? value)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoPaths.Results("codi-mnist-sr7-paper-cuda.json")))!.AsObject();
        var holder = field == "task" ? json : json["rows"]![1]!.AsObject();
        holder.Remove(field);
        if (value is not null) holder[field] = JsonNode.Parse(value);
        var dir = Directory.CreateTempSubdirectory("codi-record");
        try
        {
            var path = Path.Combine(dir.FullName, "damaged-codi.json");
            File.WriteAllText(path, json.ToJsonString());
            var e = Assert.Throws<InvalidDataException>(() => CoDiResult.Load(path));
            Assert.Contains("damaged-codi.json", e.Message);
            Assert.Contains(field, e.Message);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Smoke_run_trains_every_variant_and_writes_a_record_that_loads_back()
    {
        var dir = Directory.CreateTempSubdirectory("codi-lab");
        try
        {
            var log = new StringWriter();
            var result = CoDiLab.Run(CoDiConfig.Smoke with { CheckpointDir = dir.FullName }, log);

            var path = Path.Combine(RepoPaths.ResultsFor("smoke"), "codi-mnist-sr7-smoke-cpu.json");
            Assert.True(File.Exists(path), log.ToString());
            var written = CoDiResult.Load(path);
            Assert.Equal(result.Rows, written.Rows);
            // The fine-tuned model's long run is 2 steps at this scale, so it joins the distilled counts instead of adding a row.
            foreach (var variant in CoDiConfig.AllVariants)
                Assert.Equal([1, 2], written.Rows.Where(r => r.Model == variant).Select(r => r.Steps));
            Assert.All(written.Rows, r => Assert.True(double.IsFinite(r.Psnr) && double.IsFinite(r.Fd)));
            Assert.Equal(5, written.Models.Count);
            Assert.All(written.Models, m => Assert.Equal(2, m.Steps));
            Assert.True(written.Models.Single(m => m.Variant == "codi-pe").TrainedParameters < written.Models.Single(m => m.Variant == "codi").TrainedParameters);
            Assert.Null(written.GoalMet);   // no 4-step CoDi row at this scale
            Assert.True(File.Exists(Path.ChangeExtension(path, ".md")));
            Assert.True(File.Exists(Path.Combine(RepoPaths.ResultsFor("smoke"), written.SampleGrid)));
            Assert.Equal(2 * (1 + 2 + 1 + 1), result.Samples!.Count);   // condition, codi 1 and 2, fine-tuned, ground truth
            Assert.Equal(5, Directory.GetFiles(dir.FullName, "*.safetensors").Length);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void A_run_trained_otherwise_than_its_scale_writes_its_own_record_and_checkpoints()
    {
        var dir = Directory.CreateTempSubdirectory("codi-lab-gate");
        try
        {
            Assert.Equal(0, LabCommands.Run(
                ["codi", "--scale", "smoke", "--variants", "finetune", "--gate-lr-scale", "3", "--backbone-lr-scale", "0.5", "--ema", "0.5", "--steps", "3",
                 "--sampling-steps", "1", "--finetune-steps", "1", "--clip-x0", "none", "--checkpoint-dir", dir.FullName], TextWriter.Null, TextWriter.Null));

            var path = Path.Combine(RepoPaths.ResultsFor("smoke"), "codi-mnist-sr7-smoke-3x2-gate3-bb0.5-ema0.5-noclip-cpu.json");
            var record = CoDiResult.Load(path);
            Assert.Contains("x 3 for the gates mu", record.Training);
            Assert.Contains("x 0.5 for the backbone", record.Training);
            Assert.EndsWith("x^ not clipped", record.Sampling);
            Assert.Equal(3, record.Models.Single().Steps);
            Assert.Equal("codi-mnist-teacher-sr7-smoke-3x2-gate3-bb0.5-ema0.5-finetune.ckpt2.safetensors",
                Path.GetFileName(Assert.Single(Directory.GetFiles(dir.FullName, "*.safetensors"))));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData("0", "--clip-x0: must be positive")]
    [InlineData("wide", "--clip-x0")]
    public void A_bad_clip_is_refused_by_name(string value, string expected)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(2, LabCommands.Run(["codi", "--scale", "smoke", "--clip-x0", value], stdout, stderr));
        Assert.Contains(expected, stderr.ToString());
    }
}
