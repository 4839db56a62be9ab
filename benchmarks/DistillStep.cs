using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Nn;
using RandCond.Tensors;
using static RandCond.Benchmarks.OpOverhead;

namespace RandCond.Benchmarks;

/// <summary>
/// One random-conditioning distillation step (<see cref="DistillationStep"/>) of the paper-scale Fashion-MNIST teacher and
/// its block-removed student on a fixed batch, per performance configuration, against benchmarks/python/distill_step.py
/// running the same networks (rc_model.py) on the same device. Also reports the achieved TFLOP/s of the step.
/// </summary>
internal static class DistillStep
{
    public const string Name = "distill-step";
    public const int ContextLength = 12;
    private const double GoalVsBest = 0.7;

    public static BenchmarkResult Run(RunContext ctx)
    {
        var o = ctx.Options;
        bool cuda = ctx.Device.IsCuda, quick = o.Quick;
        int batch = o.Batch ?? (cuda ? 256 : 2);
        int warmup = cuda ? (quick ? 3 : 10) : 1;
        int steps = o.Steps ?? (cuda ? (quick ? 5 : 30) : (quick ? 1 : 3));
        int threads = o.Threads ?? Environment.ProcessorCount;
        var configs = (o.Configs ?? (cuda ? PerfConfig.CudaDefault : PerfConfig.CpuDefault)).Select(PerfConfig.Parse).ToArray();
        string teacherPath = TeacherPath(o);
        if (o.Profile && !Profiler.IsAvailable)
            throw new UsageException("--profile: this libtorch cannot save a profile (it was built without Kineto, as Debian's is); profile where torch comes from pip or conda");
        string? traces = o.Profile ? Directory.CreateTempSubdirectory("randcond-distill-traces-").FullName : null;

        var result = new BenchmarkResult
        {
            Name = Name,
            Description = $"distillation step, {Path.GetFileName(teacherPath)} -> block-removed student, batch {batch}: teacher forward (no grad), " +
                          "student forward/backward with stage features, output + feature KD, clipping, AdamW, EMA",
        };
        var flops = StepFlops(teacherPath, batch);
        var peak = PeakBf16Tflops(ctx.Device);
        var pytorch = new PyTorchRuns(ctx, PythonReference.FindScript("distill_step.py"), config =>
            [
                "--teacher", teacherPath, "--device", ctx.Device.ToString(), "--batch", I(batch),
                "--warmup", I(warmup), "--steps", I(steps), "--threads", I(threads), .. config.PythonArgs(),
                .. (traces is null ? Array.Empty<string>() : ["--trace", Path.Combine(traces, config.PythonName)]),
            ], TimeSpan.FromMinutes(20));
        var measured = new List<(PerfConfig Config, List<double> Times, double LossFirst, double LossLast, long Leaked, KernelTrace? Kernels)>();
        using (PerfConfig.Keep(threads))
        {
            foreach (var config in configs)
            {
                Console.Error.WriteLine($"[{Name}] {config.Name} ({config.Describe()}): PyTorch {config.PythonName} (eager{(pytorch.Graph ? ", graph" : "")}) " +
                                        $"then C#, batch {batch}, {steps} steps after {warmup} warm-up steps ...");
                pytorch.Reference(config);
                config.ApplySwitches();
                long liveBefore = Torch.NativeLiveTensors;
                var (times, lossFirst, lossLast, kernels) = TimeSteps(ctx.Device, teacherPath, config, batch, warmup, steps, o.Profile, o.KeepTraces);
                measured.Add((config, times, lossFirst, lossLast, Torch.NativeLiveTensors - liveBefore, kernels));
            }
            // The slowest and least certain part last: a compile that fails or overruns its limit is recorded as unavailable.
            var compileModes = o.CompileModesOrDefault;
            if (compileModes.Count > 0)
                pytorch.Compile(CompileConfigs(o, configs), compileModes, TimeSpan.FromSeconds(o.CompileTimeout ?? 600));
        }

        var timings = pytorch.Timings(py => py["variants"], "variants");
        var best = PyTorchBest.Of(timings) ?? throw new BenchmarkException("no PyTorch timing is available: " + string.Join("; ", timings));
        var perConfig = new JsonArray();
        foreach (var (config, times, lossFirst, lossLast, leaked, kernels) in measured)
        {
            var py = pytorch.Reference(config);
            var own = timings.Where(t => t.Config == config.PythonName).ToDictionary(t => t.Variant);
            double median = Stats.Median(times), pyMedian = own["eager"].MsMedian!.Value;
            result.Measurements.Add(new($"step, {config.Name} vs PyTorch {best.Name}", "ms/step", median, best.MsMedian!.Value, GoalVsBest));
            var entry = new JsonObject
            {
                ["config"] = config.Name,
                ["settings"] = config.Describe(),
                ["csharp_ms_median"] = median,
                ["csharp_ms_min"] = times.Min(),
                ["csharp_ms_all"] = ToArray(times),
                ["csharp_loss_first"] = lossFirst,
                ["csharp_loss_last"] = lossLast,
                ["csharp_tflops"] = flops.Total / (median * 1e-3) / 1e12,
                ["python_config"] = config.PythonName,
                ["python_ms_median"] = pyMedian,
                ["python_tflops"] = flops.Total / (pyMedian * 1e-3) / 1e12,
                ["ratio"] = median / pyMedian,
                ["python_graph_ms_median"] = own.TryGetValue("graph", out var graph) ? graph.MsMedian : null,
                ["pytorch_best_ms"] = best.MsMedian,
                ["pytorch_best_config"] = best.Name,
                ["ratio_vs_pytorch_best"] = median / best.MsMedian!.Value,
                ["leaked_native_tensors"] = leaked,
                ["python"] = py.DeepClone(),
            };
            var eager = py["variants"]!["eager"]!;
            result.Notes.Add(($"{config.Name}: achieved", $"C# {Tflops(flops.Total, median, peak)}, PyTorch eager {Tflops(flops.Total, pyMedian, peak)}; " +
                              $"loss C# {lossFirst:0.0000} -> {lossLast:0.0000}, PyTorch {eager["loss_first"]!.GetValue<double>():0.0000} -> {eager["loss_last"]!.GetValue<double>():0.0000}"));
            if (leaked != 0) result.Notes.Add(("warning", $"{config.Name}: {leaked} native tensors were still alive after the steps"));
            // Students side by side must each compute what they compute alone: the first's losses against one student's.
            if (config.Students > 1 && measured.FirstOrDefault(m => m.Config == config with { Name = m.Config.Name, Students = 1 }) is { Config: not null } alone)
            {
                bool same = alone.LossFirst == lossFirst && alone.LossLast == lossLast;
                entry["first_student_losses_equal_one_students"] = same;
                result.Notes.Add((same ? $"{config.Name}: side by side" : "warning",
                    $"{config.Name}: the first student's losses {(same ? "equal" : "DIFFER from")} {alone.Config.Name}'s ({lossFirst:0.0000} -> {lossLast:0.0000} against {alone.LossFirst:0.0000} -> {alone.LossLast:0.0000})"));
            }
            if (kernels is not null)
            {
                entry["csharp_kernels"] = KernelProfile.ToJson(kernels, ProfiledSteps);
                result.Notes.Add(($"{config.Name}: C# kernels per step", KernelProfile.Summary(kernels, ProfiledSteps)));
            }
            perConfig.Add(entry);
        }
        foreach (var t in timings)
            result.Notes.Add(($"PyTorch {t.Name}", t.MsMedian is { } ms ? $"{ms:0.000} ms/step, {Tflops(flops.Total, ms, peak)}" : t.Unavailable!));
        result.Notes.Add(("PyTorch best", $"{best.Name}: {best.MsMedian:0.000} ms/step, {Tflops(flops.Total, best.MsMedian!.Value, peak)} (fastest of {timings.Count(t => t.MsMedian is not null)} PyTorch timings in this run)"));

        // The PyTorch variants' traces (distill_step.py --trace).
        if (traces is not null) result.CSharp["pytorch_kernels"] = KernelProfile.ReadPythonTraces(traces, KernelProfile.PythonStepTraceCalls, result.Notes, "step");
        result.CSharp["batch"] = batch;
        result.CSharp["warmup"] = warmup;
        result.CSharp["steps"] = steps;
        result.CSharp["threads"] = threads;
        result.CSharp["teacher"] = teacherPath;
        result.CSharp["flops_per_step"] = flops.Total;
        result.CSharp["flops_counting"] = flops.Counting;
        result.CSharp["peak_bf16_dense_tflops"] = peak?.Tflops;
        result.CSharp["peak_source"] = peak?.Source ?? "no peak known for this device";
        result.CSharp["pytorch_best_ms"] = best.MsMedian;
        result.CSharp["pytorch_best_config"] = best.Name;
        result.CSharp["pytorch_best_tflops"] = flops.Total / (best.MsMedian!.Value * 1e-3) / 1e12;
        result.CSharp["pytorch_timings"] = new JsonArray(timings.Select(t => (JsonNode)t.ToJson()).ToArray());
        result.CSharp["configs"] = perConfig;
        result.Python = new JsonObject { ["torch_version"] = perConfig.Count > 0 ? perConfig[0]!["python"]!["torch_version"]!.DeepClone() : null };
        result.Notes.Add(("work per step", $"{flops.Total / 1e9:0.0} GFLOP ({flops.Counting})"));
        if (peak is { } p) result.Notes.Add(("peak used for %", $"{p.Tflops} TFLOP/s ({p.Source})"));
        return result;
    }

    /// <summary>The configurations whose PyTorch side --compile times: --compile-configs, else every configuration.</summary>
    internal static IEnumerable<PerfConfig> CompileConfigs(Options o, IEnumerable<PerfConfig> configs) =>
        o.CompileConfigs is { } chosen ? chosen.Select(PerfConfig.Parse) : configs;

    internal static string TeacherPath(Options o)
    {
        if (o.Teacher is { } given) return File.Exists(given) ? Path.GetFullPath(given) : throw new BenchmarkException($"--teacher: {given} does not exist");
        var candidates = new[] { RunInfo.RepoRoot, Environment.CurrentDirectory }.Where(d => d is not null)
            .Select(d => Path.Combine(d!, "data", "teachers", "fashion-mnist-teacher.safetensors")).ToArray();
        return candidates.FirstOrDefault(File.Exists) ?? throw new BenchmarkException(
            $"the teacher file was not found at {string.Join(" or ", candidates)}; run from the repository or pass --teacher FILE");
    }

    /// <summary>The networks, optimizer and EMA of one configuration on device, ready to step.</summary>
    internal sealed class Setup : IDisposable
    {
        public Setup(Device device, string teacherPath, PerfConfig config)
        {
            (Teacher, _, _, _) = RandCond.Experiments.TeacherFile.Load(teacherPath, device);
            Student = new DistillationStudent(Teacher, StudentSpec.BlockRemoved(), device);
            Ema = new DistillationStudent(Teacher, StudentSpec.BlockRemoved(), device);
            var options = new DistillationOptions
            {
                LearningRate = 2e-4, WeightDecay = 1e-2, EmaDecay = 0.999, MaxGradNorm = 1.0,
                Autocast = config.Bf16 ? DType.BFloat16 : null, Bf16Teacher = config.Bf16Weights, ChannelsLast = config.ChannelsLast, CudaGraph = config.Graph,
                OverlappedTeacher = config.OverlappedTeacher,
            };
            Step = new DistillationStep(Teacher, Student, Ema, options);
            Graphed = config.Graph ? new GraphedDistillationStep(Step) : null;
            Student.Train();
        }

        public TextDiffusionModel Teacher { get; }
        public DistillationStudent Student { get; }
        public DistillationStudent Ema { get; }
        public DistillationStep Step { get; }
        public GraphedDistillationStep? Graphed { get; }

        /// <summary>One step, through the graph when the configuration has one.</summary>
        public DistillationLossTerms Run(Tensor xt, Tensor t, Tensor tokens, int step) =>
            Graphed?.Run(xt, t, tokens, step) ?? Step.Run(xt, t, tokens, step);

        public void Dispose()
        {
            Graphed?.Dispose();
            Step.Dispose();
            Ema.Dispose();
            Student.Dispose();
            Teacher.Dispose();
        }
    }

    /// <summary>x_t (B,1,28,28), t (B) in [0, 1000), tokens (B, 12): 3..12 real tokens then padding (id 0), as distill_step.py makes them.</summary>
    internal static (Tensor Xt, Tensor T, Tensor Tokens) RandomBatch(int batch, long vocab, Device device, ulong seed)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(seed);
        var xt = Torch.Randn([batch, 1, 28, 28], g);
        var t = Torch.Randint(0, 1000, [batch], g);
        var tokens = Torch.Randint(5, vocab, [batch, ContextLength], g);
        var lengths = Torch.Randint(3, ContextLength + 1, [batch, 1], g);
        var padding = Torch.Op("aten::ge", "Tensor", Torch.Arange(ContextLength).Unsqueeze(0), lengths);
        tokens = tokens.MaskedFill(padding, 0);
        return (xt.To(device).DetachFromDisposeScope(), t.To(device).DetachFromDisposeScope(), tokens.To(device).DetachFromDisposeScope());
    }

    private const int ProfiledSteps = 3;      // C# steps profiled after the timed ones, with --profile

    private static (List<double> Times, double LossFirst, double LossLast, KernelTrace? Kernels) TimeSteps(
        Device device, string teacherPath, PerfConfig config, int batch, int warmup, int steps, bool profile, string? keepTraces)
    {
        if (config.Students > 1) return TimeStudentsSideBySide(device, teacherPath, config, batch, warmup, steps);
        using var setup = new Setup(device, teacherPath, config);
        var (xt, t, tokens) = RandomBatch(batch, ((RandCond.Diffusion.Text.TextEncoderConfig)setup.Teacher.Text.Config).VocabSize, device, 0);
        using var _xt = xt;
        using var _t = t;
        using var _tokens = tokens;
        var times = new List<double>();
        double first = double.NaN, last = double.NaN;
        for (int i = 0; i < warmup + steps; i++)
        {
            if (device.IsCuda) Cuda.Synchronize(device.Index);
            long t0 = Stopwatch.GetTimestamp();
            using (var scope = Torch.NewDisposeScope())
            {
                using var terms = setup.Run(xt, t, tokens, i);
                if (device.IsCuda) Cuda.Synchronize(device.Index);
                if (i >= warmup) times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (i == 0) first = terms.Total.Item();
                if (i == warmup + steps - 1) last = terms.Total.Item();
            }
        }
        KernelTrace? kernels = null;
        if (profile)
        {
            // More steps (replays, in a graph configuration) under the profiler; the trace is summed, then kept or removed.
            string trace = Path.Combine(Path.GetTempPath(), $"randcond-distill-step-{Environment.ProcessId}-{config.Name}.json");
            using (Profiler.Start(trace, device.IsCuda))
            {
                for (int i = 0; i < ProfiledSteps; i++)
                {
                    using var scope = Torch.NewDisposeScope();
                    using var terms = setup.Run(xt, t, tokens, warmup + steps + i);
                }
                if (device.IsCuda) Cuda.Synchronize(device.Index);
            }
            kernels = KernelProfile.ReadAndKeep(trace, keepTraces, $"{config.Name}-step.json");
        }
        return (times, first, last, kernels);
    }

    /// <summary>
    /// <see cref="PerfConfig.Students"/> students (setups on one teacher file) stepped together as a lab with concurrent
    /// students does: the first on the current stream, each other on a lane of its own (<see cref="StreamFork"/>, forked
    /// once for all steps, as <see cref="Training.Lockstep"/> does); each time is a round of steps divided by the students,
    /// the loss the first student's.
    /// </summary>
    private static (List<double> Times, double LossFirst, double LossLast, KernelTrace? Kernels) TimeStudentsSideBySide(
        Device device, string teacherPath, PerfConfig config, int batch, int warmup, int steps)
    {
        var setups = new List<Setup>();
        var batches = new List<(Tensor Xt, Tensor T, Tensor Tokens)>();
        var forks = new List<StreamFork>();
        try
        {
            for (int s = 0; s < config.Students; s++)
            {
                setups.Add(new Setup(device, teacherPath, config));
                batches.Add(RandomBatch(batch, ((RandCond.Diffusion.Text.TextEncoderConfig)setups[s].Teacher.Text.Config).VocabSize, device, (ulong)s));
                if (s > 0) forks.Add(StreamFork.On(device, lane: s));
            }
            var times = new List<double>();
            double first = double.NaN, last = double.NaN;
            for (int i = 0; i < warmup + steps; i++)
            {
                if (device.IsCuda) Cuda.Synchronize(device.Index);
                long t0 = Stopwatch.GetTimestamp();
                using var scope = Torch.NewDisposeScope();
                var (xt, t, tokens) = batches[0];
                var terms = setups[0].Run(xt, t, tokens, i);
                var others = new List<IDisposable>();
                for (int s = 1; s < setups.Count; s++)
                {
                    var (xs, ts, tk) = batches[s];
                    others.Add(forks[s - 1].Side(() => setups[s].Run(xs, ts, tk, i)));   // Side runs the body before it returns
                }
                if (device.IsCuda) Cuda.Synchronize(device.Index);
                if (i >= warmup) times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds / setups.Count);
                if (i == 0) first = terms.Total.Item();
                if (i == warmup + steps - 1) last = terms.Total.Item();
                terms.Dispose();
                foreach (var o in others) o.Dispose();
            }
            return (times, first, last, null);
        }
        finally
        {
            foreach (var f in forks) f.Dispose();
            foreach (var (xt, t, tokens) in batches)
            {
                xt.Dispose();
                t.Dispose();
                tokens.Dispose();
            }
            foreach (var s in setups) s.Dispose();
        }
    }

    /// <summary>2 x MACs per step: teacher U-Net and text encoder forward once, student U-Net forward + backward (3x), its frozen text encoder once.</summary>
    private static (double Total, string Counting) StepFlops(string teacherPath, int batch)
    {
        var (teacherModel, _, _, _) = RandCond.Experiments.TeacherFile.Load(teacherPath, Device.CPU);
        using var _teacher = teacherModel;
        var teacherConfig = teacherModel.UNet.Config;
        double teacher = teacherModel.UNet.Macs(28, 28, ContextLength).Total;
        double student = RandCond.Diffusion.UNet.UNetCost.Macs(StudentSpec.BlockRemoved().ConfigFor(teacherConfig), 28, 28, ContextLength).Total;
        double text = teacherModel.Text.Macs(ContextLength);
        double total = 2.0 * batch * (teacher + text + 3 * student + text);
        return (total, $"2 x batch x (teacher U-Net {teacher / 1e6:0.0} M MACs + 3 x student U-Net {student / 1e6:0.0} M MACs + 2 x text encoder {text / 1e6:0.00} M MACs), UNetModel.Macs / TextEncoder.Macs");
    }

    internal sealed record Peak(double Tflops, string Source);

    /// <summary>The card's dense BF16 tensor-core peak from its data sheet (no sparsity), where known.</summary>
    internal static Peak? PeakBf16Tflops(Device device)
    {
        if (!device.IsCuda) return null;
        string name = Cuda.DeviceName(device.Index);
        if (name.Contains("H100") && (name.Contains("PCIe") || name.Contains("PCIE"))) return new(756, $"{name}: H100 PCIe data sheet, BF16 dense");
        if (name.Contains("H100") || name.Contains("H200")) return new(989, $"{name}: H100/H200 SXM data sheet, BF16 dense (1979 with sparsity)");
        if (name.Contains("A100")) return new(312, $"{name}: A100 data sheet, BF16 dense");
        return null;
    }

    private static string Tflops(double flops, double ms, Peak? peak)
    {
        double tf = flops / (ms * 1e-3) / 1e12;
        return peak is { } p ? $"{tf:0.00} TFLOP/s ({100 * tf / p.Tflops:0.0}% of peak)" : $"{tf:0.000} TFLOP/s";
    }
}
