using RandCond.Diffusion;
using RandCond.Distillation.CoDi;
using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Tests.Diffusion;

namespace RandCond.Tests.Distillation.CoDi;

/// <summary>
/// The optimizer and target of a CoDi run: the backbone takes steps BackboneLearningRateScale times the branch's (Adam's
/// first step moves every parameter with a gradient by its learning rate), the parameter-efficient run has no backbone
/// group, gradients are clipped to MaxGradNorm, and the EMA target is a separate network that only the average moves.
/// </summary>
public class CoDiOptimizerTests : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    private static Dictionary<string, float[]> Snapshot(Module module) =>
        module.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());

    private static double MaxChange(Dictionary<string, float[]> before, Dictionary<string, float[]> after, Func<string, bool> which) =>
        before.Keys.Where(which).Max(k => before[k].Zip(after[k]).Max(p => Math.Abs((double)p.First - p.Second)));

    [Theory]
    [InlineData(0.1, 1.0)]
    [InlineData(1.0, 30.0)]
    public void First_step_moves_the_backbone_and_the_gates_by_their_scaled_rates(double scale, double gateScale)
    {
        var (teacher, model) = CoDiTestNets.Fresh(14);
        using var _t = teacher;
        using var _m = model;
        var before = Snapshot(model);
        const double lr = 1e-3;
        var options = new CoDiOptions { Steps = 1, BatchSize = 3, LearningRate = lr, BackboneLearningRateScale = scale, GateLearningRateScale = gateScale, WeightDecay = 0, MaxGradNorm = null, LogEvery = 1 };
        using var schedule = NoiseSchedule.Linear(1000);
        var (x0, _, _) = CoDiTestNets.Batch(6);
        using var _x = x0;

        new CoDiDistiller(options).Train(model, schedule, x0, CoDiTask.SuperResolution14);

        var after = Snapshot(model);
        double backbone = MaxChange(before, after, k => k.StartsWith("backbone.unet."));
        double mu = MaxChange(before, after, k => k == "mu");
        double encoder = MaxChange(before, after, k => k.StartsWith("cond."));
        Assert.InRange(backbone, 0.9 * lr * scale, 1.01 * lr * scale);
        Assert.InRange(mu, 0.9 * lr * gateScale, 1.01 * lr * gateScale);
        // The encoder's features enter as mu h_cond with mu = 0, so its first gradient is zero: it learns only once the gates open.
        Assert.Equal(0, encoder);
        Assert.Equal(0, MaxChange(before, after, k => k.StartsWith("backbone.text.")));
    }

    [Fact]
    public void Groups_split_the_encoder_the_gates_and_the_backbone_and_the_parameter_efficient_run_has_no_backbone_group()
    {
        var (teacher, model) = CoDiTestNets.Fresh(15);
        using var _t = teacher;
        using var _m = model;
        var names = model.NamedParameters().ToDictionary(p => p.Parameter, p => p.Name);

        using (var full = new CoDiOptimizer(model, new CoDiOptions { LearningRate = 2e-4, BackboneLearningRateScale = 0.25, GateLearningRateScale = 10 }))
        {
            Assert.Equal([CoDiOptimizer.BranchGroup, CoDiOptimizer.GateGroup, CoDiOptimizer.BackboneGroup], full.Groups.Select(g => g.Name));
            var branch = full.Groups[0].Optimizer;
            var gate = full.Groups[1].Optimizer;
            var backbone = full.Groups[2].Optimizer;
            Assert.Equal(2e-4, branch.LearningRate, 12);
            Assert.Equal(2e-3, gate.LearningRate, 12);
            Assert.Equal(5e-5, backbone.LearningRate, 12);
            Assert.All(branch.Parameters, p => Assert.StartsWith("cond.", names[p]));
            Assert.Equal(["mu"], gate.Parameters.Select(p => names[p]));
            Assert.All(backbone.Parameters, p => Assert.StartsWith("backbone.unet.", names[p]));
        }
        using var pe = new CoDiOptimizer(model, new CoDiOptions { ParameterEfficient = true });
        Assert.Equal([CoDiOptimizer.BranchGroup, CoDiOptimizer.GateGroup], pe.Groups.Select(g => g.Name));
        Assert.All(model.NamedParameters().Where(p => p.Name.StartsWith("backbone.")), p => Assert.False(p.Parameter.RequiresGrad, p.Name));
    }

    [Fact]
    public void Step_clips_the_global_gradient_norm()
    {
        var (teacher, model) = CoDiTestNets.Fresh(16);
        using var _t = teacher;
        using var _m = model;
        using var optimizer = new CoDiOptimizer(model, new CoDiOptions { MaxGradNorm = 0.5 });
        var trained = model.Parameters().Where(p => p.RequiresGrad).ToArray();
        foreach (var p in trained) p.Grad = Torch.OnesLike(p.Data) * 10;

        optimizer.Step();

        double norm = Math.Sqrt(trained.Sum(p => Math.Pow(p.Grad!.Norm().Item(), 2)));
        Assert.Equal(0.5, norm, 1e-3);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void The_target_is_a_separate_network_that_only_the_average_moves(double decay)
    {
        var dir = Directory.CreateTempSubdirectory("codi-target");
        try
        {
            var (teacher, model) = CoDiTestNets.Fresh(17);
            using var _t = teacher;
            using var _m = model;
            var before = Snapshot(model);
            var path = Path.Combine(dir.FullName, "c.safetensors");
            var options = new CoDiOptions { Steps = 2, BatchSize = 3, LearningRate = 1e-3, EmaDecay = decay, LogEvery = 1, CheckpointPath = path };
            using var schedule = NoiseSchedule.Linear(1000);
            var (x0, _, _) = CoDiTestNets.Batch(6);
            using var _x = x0;

            new CoDiDistiller(options).Train(model, schedule, x0, CoDiTask.SuperResolution14);

            var after = Snapshot(model);
            using var saved = Safetensors.Load(path);
            var ema = saved.Tensors.Where(kv => kv.Key.StartsWith("ema.")).ToDictionary(kv => kv.Key[4..], kv => kv.Value.ToArray<float>());
            Assert.NotEqual(0, MaxChange(before, after, k => k.StartsWith("backbone.unet.")));
            // decay 1: the target never leaves the initial weights although the student moved; decay 0: it is the student.
            var expected = decay == 1.0 ? before : after;
            Assert.Equal(0, MaxChange(expected, ema, k => true));
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
