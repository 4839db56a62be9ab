using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Nn;
using RandCond.Tensors;
using static RandCond.Benchmarks.OpOverhead;

namespace RandCond.Benchmarks;

/// <summary>
/// One training step of a 5-layer conv net (batch 64, 1x28x28, 10 classes): zero grad, forward, cross-entropy,
/// backward, AdamW (lr 1e-3, wd 1e-2). The same architecture and optimizer as benchmarks/python/convnet_step.py.
/// </summary>
internal static class ConvnetStep
{
    public const string Name = "convnet-step";
    private const int Batch = 64;

    public static BenchmarkResult Run(RunContext ctx)
    {
        bool cuda = ctx.Device.IsCuda, quick = ctx.Options.Quick;
        int warmup = cuda ? (quick ? 5 : 20) : (quick ? 1 : 5);
        int steps = cuda ? (quick ? 20 : 200) : (quick ? 3 : 30);
        // Rounds alternate PyTorch and C#, each starting from the same seed and initial weights, so that load
        // from other work on the machine falls on both sides alike. Each round warms up, then times its share.
        int rounds = quick ? 1 : 3;
        const double goal = 1.0;
        int stepsPerRound = steps / rounds;
        int threads = ctx.Options.Threads ?? Environment.ProcessorCount;
        var pytorch = new HostSettingRuns(ctx, "convnet_step.py", "ms_per_step_all", TimeSpan.FromMinutes(30));
        var settings = pytorch.Settings;

        var times = new List<double>();
        var losses = new List<(double First, double Last)>();
        long leaked = 0, faults = 0;
        int previousThreads = Torch.NumThreads;
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                Console.Error.WriteLine($"[{Name}] round {round + 1}/{rounds}: PyTorch ({string.Join(", ", settings.Select(s => s.Qualify("eager")))}) then C#, " +
                                        $"{stepsPerRound} steps after {warmup} warm-up steps, {threads} threads ...");
                bool compile = ctx.Options.Compile && round == 0;
                pytorch.RunRound(setting =>
                [
                    "--device", ctx.Device.ToString(), "--batch", I(Batch), "--warmup", I(warmup), "--steps", I(stepsPerRound), "--threads", I(threads),
                    .. compile && setting == HostSetting.Defaults ? ["--compile"] : Array.Empty<string>(),
                ]);

                Torch.NumThreads = threads;
                long liveBefore = Torch.NativeLiveTensors;
                var (lossFirst, lossLast, roundFaults) = RunRound(ctx.Device, warmup, stepsPerRound, times);
                losses.Add((lossFirst, lossLast));
                faults += roundFaults;
                leaked += Torch.NativeLiveTensors - liveBefore;
            }
        }
        finally
        {
            Torch.NumThreads = previousThreads;
        }

        var first = pytorch.Rounds[0]!.AsObject();
        double median = Stats.Median(times);
        var best = pytorch.Best;
        var result = new BenchmarkResult
        {
            Name = Name,
            Description = $"5-layer conv net, batch {Batch} of 1x28x28, 10 classes: forward, cross-entropy, backward, AdamW; {threads} threads",
        };
        result.Measurements.Add(new($"training step vs PyTorch {best.Qualify("eager")}", "ms/step", median, pytorch.Median(best), goal));
        result.CSharp["batch"] = Batch;
        result.CSharp["warmup_per_round"] = warmup;
        result.CSharp["steps"] = times.Count;
        result.CSharp["rounds"] = rounds;
        result.CSharp["threads"] = threads;
        result.CSharp["ms_per_step_median"] = median;
        result.CSharp["ms_per_step_min"] = times.Min();
        result.CSharp["ms_per_step_all"] = ToArray(times);
        result.CSharp["minor_page_faults_per_step"] = (double)faults / times.Count;
        result.CSharp["loss_first"] = losses[0].First;
        result.CSharp["loss_last"] = losses[0].Last;
        result.CSharp["leaked_native_tensors"] = leaked;
        result.Python = new JsonObject
        {
            ["torch_version"] = first["torch_version"]!.DeepClone(),
            ["best"] = best.Qualify("eager"),
            ["ms_per_step_median"] = pytorch.Median(best),
            ["ms_per_step_min"] = pytorch.Times(best).Min(),
            ["by_host_setting"] = new JsonObject(settings.Select(s => KeyValuePair.Create(s.Qualify("eager"), (JsonNode?)new JsonObject
            {
                ["ms_per_step_median"] = pytorch.Median(s),
                ["ms_per_step_min"] = pytorch.Times(s).Min(),
                ["ms_per_step_all"] = ToArray(pytorch.Times(s)),
            }))),
            ["rounds"] = pytorch.Rounds,
        };

        foreach (var s in settings)
        {
            double pyFaults = pytorch.RoundsIn(s).Average(r => r["minor_page_faults_per_step"]!.GetValue<double>());
            result.Notes.Add(($"PyTorch {s.Qualify("eager")}", $"{pytorch.Median(s):0.000} ms/step, {pyFaults:0} minor page faults per step (C# / this = {median / pytorch.Median(s):0.000}x)"));
        }
        result.Notes.Add(("C# host memory", $"{HostMemory.Describe()}; {result.CSharp["minor_page_faults_per_step"]!.GetValue<double>():0} minor page faults per step"));
        result.Notes.Add(("fastest step (ms)", $"C# {times.Min():0.000}, PyTorch {pytorch.Times(best).Min():0.000} (ratio {times.Min() / pytorch.Times(best).Min():0.000}x)"));
        result.Notes.Add(("loss of round 1 (first -> last step)", $"C# {losses[0].First:0.0000} -> {losses[0].Last:0.0000}; " +
                          $"PyTorch {first["loss_first"]!.GetValue<double>():0.0000} -> {first["loss_last"]!.GetValue<double>():0.0000}"));
        if (first["compiled"] is { } compiled)
        {
            if (compiled is JsonObject co && co["ms_per_step_median"] is { } cm)
            {
                double c = cm.GetValue<double>();
                result.Notes.Add(("PyTorch torch.compile(model), round 1", $"{c:0.000} ms/step (C# / compiled = {median / c:0.000}x)"));
                result.CSharp["ratio_to_compiled"] = median / c;
            }
            else result.Notes.Add(("PyTorch torch.compile(model)", compiled.ToString()));
        }
        if (leaked != 0) result.Notes.Add(("warning", $"{leaked} native tensors were still alive after the steps"));
        return result;
    }

    /// <summary>
    /// Seeds, builds data, model and optimizer, warms up, then appends the time of each timed step; returns the first and
    /// last losses and the minor page faults of the timed steps.
    /// </summary>
    private static (double First, double Last, long Faults) RunRound(Device dev, int warmup, int steps, List<double> times)
    {
        bool cuda = dev.IsCuda;
        Torch.ManualSeed(0);
        using var x = Torch.Randn([Batch, 1, 28, 28], device: dev);
        using var y = Torch.Randint(0, 10, [Batch], device: dev);
        using var model = new Sequential(
            new Conv2d(1, 32, 3, padding: 1, device: dev), new SiLU(),
            new Conv2d(32, 64, 3, stride: 2, padding: 1, device: dev), new SiLU(),
            new Conv2d(64, 64, 3, padding: 1, device: dev), new SiLU(),
            new Conv2d(64, 128, 3, stride: 2, padding: 1, device: dev), new SiLU(),
            new Flatten(),
            new Linear(128 * 7 * 7, 10, device: dev));
        using var opt = new AdamW(model, lr: 1e-3, weightDecay: 1e-2);

        double lossFirst = double.NaN, lossLast = double.NaN;
        for (int i = 0; i < warmup; i++)
        {
            using var loss = Step(model, opt, x, y);
            if (i == 0) lossFirst = loss.Item();
        }
        if (cuda) Cuda.Synchronize();
        long faultsBefore = HostMemory.MinorPageFaults;
        for (int i = 0; i < steps; i++)
        {
            if (cuda) Cuda.Synchronize();
            long t0 = Stopwatch.GetTimestamp();
            var loss = Step(model, opt, x, y);
            if (cuda) Cuda.Synchronize();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (i == steps - 1) lossLast = loss.Item();
            if (double.IsNaN(lossFirst)) lossFirst = loss.Item();
            loss.Dispose();
        }
        return (lossFirst, lossLast, HostMemory.MinorPageFaults - faultsBefore);
    }

    /// <summary>One step; every intermediate is freed by the scope, the loss is handed back to the caller.</summary>
    private static Tensor Step(Sequential model, AdamW opt, Tensor x, Tensor y)
    {
        using var scope = Torch.NewDisposeScope();
        opt.ZeroGrad();
        var logits = model.Forward(x);
        var loss = F.CrossEntropy(logits, y);
        loss.Backward();
        opt.Step();
        return loss.MoveToOuterScope();
    }
}
