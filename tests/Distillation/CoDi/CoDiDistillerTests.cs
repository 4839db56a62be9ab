using RandCond.Diffusion;
using RandCond.Distillation.CoDi;
using RandCond.Experiments;
using RandCond.Tensors;
using RandCond.Tests.Diffusion;

namespace RandCond.Tests.Distillation.CoDi;

/// <summary>
/// Training: the parameter-efficient variant moves the conditional encoder and mu and leaves every backbone weight
/// bit-identical; the full variant trains the U-Net but never the text encoder (it only sees the null caption); the
/// fine-tuning baseline trains; a run resumes from its checkpoint to the same weights as an uninterrupted one.
/// </summary>
public class CoDiDistillerTests : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    private static Dictionary<string, float[]> Snapshot(RandCond.Nn.Module module) =>
        module.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());

    private static int Train(CoDiModel model, CoDiOptions options, List<CoDiProgress>? reports = null)
    {
        using var schedule = NoiseSchedule.Linear(1000);
        var (x0, _, _) = CoDiTestNets.Batch(6);
        using var _x = x0;
        return new CoDiDistiller(options).Train(model, schedule, x0, CoDiTask.SuperResolution14,
                                                reports is null ? null : new SynchronousProgress<CoDiProgress>(reports.Add));
    }

    [Fact]
    public void Parameter_efficient_variant_leaves_the_backbone_bit_identical()
    {
        var (teacher, model) = CoDiTestNets.Fresh(9);
        using var _t = teacher;
        using var _m = model;
        var before = Snapshot(model);

        int steps = Train(model, new CoDiOptions { ParameterEfficient = true, Steps = 3, BatchSize = 3, LearningRate = 1e-2, LogEvery = 1 });

        Assert.Equal(3, steps);
        var after = Snapshot(model);
        foreach (var name in before.Keys.Where(k => k.StartsWith("backbone.")))
            Assert.True(before[name].SequenceEqual(after[name]), $"{name} changed");
        Assert.False(before["mu"].SequenceEqual(after["mu"]), "mu did not move");
        Assert.Contains(before.Keys.Where(k => k.StartsWith("cond.")), k => !before[k].SequenceEqual(after[k]));
    }

    [Fact]
    public void Full_variant_trains_the_unet_but_not_the_text_encoder_and_the_baseline_trains_too()
    {
        var (teacher, model) = CoDiTestNets.Fresh(10);
        using var _t = teacher;
        using var _m = model;
        var before = Snapshot(model);
        Train(model, new CoDiOptions { Steps = 2, BatchSize = 3, LearningRate = 1e-2, LogEvery = 1 });
        var after = Snapshot(model);
        foreach (var name in before.Keys.Where(k => k.StartsWith("backbone.text.")))
            Assert.True(before[name].SequenceEqual(after[name]), $"{name} changed");
        Assert.False(before["backbone.unet.out.conv.weight"].SequenceEqual(after["backbone.unet.out.conv.weight"]));

        Train(model, new CoDiOptions { Objective = CoDiObjective.Denoising, Steps = 2, BatchSize = 3, LearningRate = 1e-2, LogEvery = 1 });
        Assert.False(after["backbone.unet.out.conv.weight"].SequenceEqual(Snapshot(model)["backbone.unet.out.conv.weight"]));
    }

    [Fact]
    public void A_resumed_run_ends_where_an_uninterrupted_one_does()
    {
        var dir = Directory.CreateTempSubdirectory("codi-ckpt");
        try
        {
            var options = new CoDiOptions { Steps = 4, BatchSize = 2, LearningRate = 1e-3, LogEvery = 1, EmaDecay = 0.5, Seed = 3 };
            var (t1, straight) = CoDiTestNets.Fresh(11);
            using var _t1 = t1;
            using var _s = straight;
            Train(straight, options);
            var (t2, resumed) = CoDiTestNets.Fresh(11);
            using var _t2 = t2;
            using var _r = resumed;
            var path = Path.Combine(dir.FullName, "c.safetensors");
            var first = new List<CoDiProgress>();
            var second = new List<CoDiProgress>();
            Train(resumed, options with { Steps = 2, CheckpointPath = path }, first);
            Assert.Equal(4, Train(resumed, options with { CheckpointPath = path }, second));
            // the first run's reports come back from the checkpoint before the new ones: the loss curve starts at step 1
            Assert.Equal([1, 2, 3, 4], second.Select(p => p.Step));
            Assert.Equal([true, true, false, false], second.Select(p => p.Restored));
            Assert.Equal(first.Select(p => (p.Loss, p.Consistency, p.Guidance)), second.Take(2).Select(p => (p.Loss, p.Consistency, p.Guidance)));
            var a = Snapshot(straight);
            var b = Snapshot(resumed);
            foreach (var name in a.Keys)
                Assert.True(a[name].SequenceEqual(b[name]), $"{name} differs after resuming");
            Assert.Throws<InvalidDataException>(() => Train(resumed, options with { Steps = 5, CheckpointPath = path, ParameterEfficient = true }));
            // Another EMA decay or learning rate is another run: resuming would mix two recipes in one model.
            var ema = Assert.Throws<InvalidDataException>(() => Train(resumed, options with { Steps = 5, CheckpointPath = path, EmaDecay = 0.9 }));
            Assert.Contains("ema 0.9", ema.Message);
            Assert.Throws<InvalidDataException>(() => Train(resumed, options with { Steps = 5, CheckpointPath = path, LearningRate = 1e-4 }));
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
