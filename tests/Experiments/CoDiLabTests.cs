using System.Text.Json.Nodes;
using RandCond.Experiments;

namespace RandCond.Tests.Distillation.CoDi;

/// <summary>The codi lab verb end to end at the smoke scale on the CPU, with the committed MNIST teacher.</summary>
public class CoDiLabTests
{
    [Fact]
    public void Smoke_run_trains_every_variant_and_writes_its_records()
    {
        var dir = Directory.CreateTempSubdirectory("codi-lab");
        try
        {
            var log = new StringWriter();
            var (json, table, grid) = CoDiLab.Execute(new LabArguments(
                ["--scale", "smoke", "--task", "sr7", "--sampling-steps", "1,2", "--finetune-steps", "2", "--checkpoint-dir", dir.FullName]), log);

            var folder = RepoPaths.ResultsFor("smoke");
            var path = Path.Combine(folder, "codi-mnist-sr7-smoke-cpu.json");
            Assert.True(File.Exists(path), log.ToString());
            var written = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.Equal("codi", (string?)written["experiment"]);
            var rows = written["rows"]!.AsArray();
            Assert.Equal(json["rows"]!.ToJsonString(), rows.ToJsonString());
            // The fine-tuned model's 50-step count is 2 here, so it joins the distilled counts instead of adding a row.
            foreach (var variant in CoDiLab.AllVariants)
                Assert.Equal([1, 2], rows.Where(r => (string?)r!["model"] == variant).Select(r => (int)r!["steps"]!));
            Assert.All(rows, r => Assert.True(double.IsFinite((double)r!["psnr_db"]!) && double.IsFinite((double)r["fd_vs_test"]!)));
            Assert.Equal(5, written["models"]!.AsArray().Count);
            Assert.True(File.Exists(Path.Combine(folder, "codi-mnist-sr7-smoke-cpu.md")));
            Assert.True(File.Exists(Path.Combine(folder, "codi-mnist-sr7-smoke-cpu-samples.png")));
            Assert.Equal(1 + 5 * 2, table.Rows.Count);   // the condition itself, four CoDi variants and the fine-tuned model at 1 and 2 steps
            Assert.Equal(2 * (1 + 2 + 1 + 1), grid.Count);   // condition, codi 1 and 2, fine-tuned, ground truth
            Assert.Equal(5, Directory.GetFiles(dir.FullName, "*.safetensors").Length);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void A_run_with_another_gate_rate_backbone_rate_or_EMA_decay_writes_its_own_record_and_checkpoints()
    {
        var dir = Directory.CreateTempSubdirectory("codi-lab-gate");
        try
        {
            CoDiLab.Execute(new LabArguments(
                ["--scale", "smoke", "--variants", "finetune", "--gate-lr-scale", "3", "--backbone-lr-scale", "0.5", "--ema", "0.5", "--sampling-steps", "1", "--finetune-steps", "1", "--checkpoint-dir", dir.FullName]),
                new StringWriter());

            var path = Path.Combine(RepoPaths.ResultsFor("smoke"), "codi-mnist-sr7-smoke-gate3-bb0.5-ema0.5-cpu.json");
            Assert.True(File.Exists(path), $"no record at {path}");
            var training = (string)JsonNode.Parse(File.ReadAllText(path))!["training"]!;
            Assert.Contains("x 3 for the gates mu", training);
            Assert.Contains("x 0.5 for the backbone", training);
            Assert.Equal("codi-mnist-teacher-sr7-smoke-gate3-bb0.5-ema0.5-finetune.safetensors", Path.GetFileName(Assert.Single(Directory.GetFiles(dir.FullName, "*.safetensors"))));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void A_run_with_other_steps_or_sampling_than_its_scale_writes_its_own_record_and_checkpoints()
    {
        var dir = Directory.CreateTempSubdirectory("codi-lab-steps");
        try
        {
            CoDiLab.Execute(new LabArguments(
                ["--scale", "smoke", "--variants", "codi", "--steps", "3", "--sampling-steps", "1", "--clip-x0", "none", "--checkpoint-dir", dir.FullName]),
                new StringWriter());

            var path = Path.Combine(RepoPaths.ResultsFor("smoke"), "codi-mnist-sr7-smoke-3x2-noclip-cpu.json");
            Assert.True(File.Exists(path), $"no record at {path}");
            var record = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.EndsWith("x^ not clipped", (string)record["sampling"]!);
            var model = record["models"]!.AsArray().Single()!;
            Assert.Equal(3, (int)model["steps"]!);
            Assert.Equal("codi-mnist-teacher-sr7-smoke-3x2-codi.safetensors", Path.GetFileName(Assert.Single(Directory.GetFiles(dir.FullName, "*.safetensors"))));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData("0", "--clip-x0 must be positive")]
    [InlineData("wide", "--clip-x0")]
    public void A_bad_clip_is_refused_by_name(string value, string expected)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(2, LabCommands.Run(["codi", "--scale", "smoke", "--clip-x0", value], stdout, stderr));
        Assert.Contains(expected, stderr.ToString());
    }
}
