using System.Diagnostics;
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
        int threads = ctx.Options.Threads ?? Environment.ProcessorCount;
        double goal = cuda ? 1.0 : 1.05;

        Console.Error.WriteLine($"[{Name}] PyTorch reference: {steps} steps after {warmup} warm-up steps, {threads} threads ...");
        var pyArgs = new List<string> { "--device", ctx.Device.ToString(), "--batch", I(Batch), "--warmup", I(warmup), "--steps", I(steps), "--threads", I(threads) };
        if (ctx.Options.Compile) pyArgs.Add("--compile");
        var py = PythonReference.Run(ctx.PythonPath, PythonReference.FindScript("convnet_step.py"), pyArgs, TimeSpan.FromMinutes(30));

        Console.Error.WriteLine($"[{Name}] C#: {steps} steps after {warmup} warm-up steps, {threads} threads ...");
        int previousThreads = Torch.NumThreads;
        Torch.NumThreads = threads;
        try
        {
            var dev = ctx.Device;
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
            long liveBefore = Torch.NativeLiveTensors;

            double lossFirst = double.NaN;
            for (int i = 0; i < warmup; i++)
            {
                using var loss = Step(model, opt, x, y);
                if (i == 0) lossFirst = loss.Item();
            }
            if (cuda) Cuda.Synchronize();

            var times = new List<double>();
            double lossLast = double.NaN;
            for (int i = 0; i < steps; i++)
            {
                if (cuda) Cuda.Synchronize();
                long t0 = Stopwatch.GetTimestamp();
                var loss = Step(model, opt, x, y);
                if (cuda) Cuda.Synchronize();
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (i == steps - 1) lossLast = loss.Item();
                loss.Dispose();
            }
            if (double.IsNaN(lossFirst)) lossFirst = lossLast;
            long leaked = Torch.NativeLiveTensors - liveBefore;

            double pyMedian = py["ms_per_step_median"]!.GetValue<double>();
            var result = new BenchmarkResult
            {
                Name = Name,
                Description = $"5-layer conv net, batch {Batch} of 1x28x28, 10 classes: forward, cross-entropy, backward, AdamW; {threads} threads",
            };
            result.Measurements.Add(new("training step", "ms/step", Stats.Median(times), pyMedian, goal));
            result.CSharp["batch"] = Batch;
            result.CSharp["warmup"] = warmup;
            result.CSharp["steps"] = steps;
            result.CSharp["threads"] = Torch.NumThreads;
            result.CSharp["parameters"] = model.ParameterCount;
            result.CSharp["ms_per_step_median"] = Stats.Median(times);
            result.CSharp["ms_per_step_min"] = times.Min();
            result.CSharp["ms_per_step_all"] = ToArray(times);
            result.CSharp["loss_first"] = lossFirst;
            result.CSharp["loss_last"] = lossLast;
            result.CSharp["leaked_native_tensors"] = leaked;
            result.Python = py;

            result.Notes.Add(("loss (first -> last)", $"C# {lossFirst:0.0000} -> {lossLast:0.0000}; PyTorch {py["loss_first"]!.GetValue<double>():0.0000} -> {py["loss_last"]!.GetValue<double>():0.0000}"));
            if (py["compiled"] is { } compiled)
            {
                if (compiled is System.Text.Json.Nodes.JsonObject co && co["ms_per_step_median"] is { } cm)
                {
                    double c = cm.GetValue<double>();
                    result.Notes.Add(("PyTorch torch.compile(model)", $"{c:0.000} ms/step (C# / compiled = {Stats.Median(times) / c:0.000}x)"));
                    result.CSharp["ratio_to_compiled"] = Stats.Median(times) / c;
                }
                else result.Notes.Add(("PyTorch torch.compile(model)", compiled.ToString()));
            }
            if (leaked != 0) result.Notes.Add(("warning", $"{leaked} native tensors were still alive after the steps"));
            return result;
        }
        finally
        {
            Torch.NumThreads = previousThreads;
        }
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
