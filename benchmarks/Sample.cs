using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation;
using RandCond.Tensors;
using static RandCond.Benchmarks.OpOverhead;

namespace RandCond.Benchmarks;

/// <summary>
/// Sampling throughput of the paper-scale Fashion-MNIST teacher and its block-removed student: DDIM (eta 0, 50 steps)
/// with classifier-free guidance (scale 3, both halves in one batched call), per performance configuration, against
/// benchmarks/python/sample.py running the same networks.
/// </summary>
internal static class Sample
{
    public const string Name = "sample";
    private const double Guidance = 3.0, GoalVsBest = 0.5;
    private static readonly string[] Models = ["teacher", "student"];

    public static BenchmarkResult Run(RunContext ctx)
    {
        var o = ctx.Options;
        bool cuda = ctx.Device.IsCuda, quick = o.Quick;
        int batch = o.Batch ?? (cuda ? 256 : 2);
        int ddimSteps = o.DdimSteps ?? (cuda || !quick ? 50 : 2);
        int warmup = 1, repeats = cuda ? (quick ? 2 : 5) : 1;
        int threads = o.Threads ?? Environment.ProcessorCount;
        var configs = (o.Configs ?? (cuda ? PerfConfig.SampleCudaDefault : PerfConfig.CpuDefault)).Select(PerfConfig.Parse).ToArray();
        if (o.Profile && !Profiler.IsAvailable)
            throw new UsageException("--profile: this libtorch cannot save a profile (it was built without Kineto, as Debian's is); profile where torch comes from pip or conda");
        if (configs.FirstOrDefault(c => c.Bf16 && c.Bf16Weights) is { } both)
            throw new UsageException($"--configs: '{both.Name}': sampling takes bf16 (autocast of float32 weights) or bf16w (BFloat16 weights), not both");
        if (configs.FirstOrDefault(c => c.FusedNorms) is { } fnorm)
            throw new UsageException($"--configs: '{fnorm.Name}': fnorm chooses the normalizations' training path; sampling needs no gradients and takes the fused kernels anyway");
        string teacherPath = DistillStep.TeacherPath(o);
        var result = new BenchmarkResult
        {
            Name = Name,
            Description = $"sampling, Fashion-MNIST teacher and block-removed student, batch {batch}: DDIM {ddimSteps} steps, classifier-free guidance {Guidance}",
        };
        var perConfig = new JsonArray();
        var reference = new Dictionary<string, Tensor>();
        string? traces = o.Profile ? Directory.CreateTempSubdirectory("randcond-sample-traces-").FullName : null;
        var pytorch = new PyTorchRuns(ctx, PythonReference.FindScript("sample.py"), config =>
            [
                "--teacher", teacherPath, "--device", ctx.Device.ToString(), "--batch", I(batch), "--ddim-steps", I(ddimSteps),
                "--warmup", I(warmup), "--steps", I(repeats), "--threads", I(threads), .. config.PythonArgs(),
                .. (traces is null ? Array.Empty<string>() : ["--trace", Path.Combine(traces, config.PythonName)]),
            ], TimeSpan.FromMinutes(20));
        var medians = new List<(PerfConfig Config, JsonObject Entry, string Model, double Median)>();
        using (PerfConfig.Keep(threads))
        {
            foreach (var config in configs)
            {
                Console.Error.WriteLine($"[{Name}] {config.Name} ({config.Describe()}): PyTorch {config.PythonName} (eager{(pytorch.Graph ? ", graph" : "")}) then C#, " +
                                        $"batch {batch}, {ddimSteps} DDIM steps, {repeats} runs after {warmup} warm-up ...");
                pytorch.Reference(config);

                config.ApplySwitches();
                long liveBefore = Torch.NativeLiveTensors, referencesBefore = reference.Count;
                // C# warms a graph configuration up twice: an eager run, then the run that records the graph.
                var times = TimeSampling(ctx.Device, teacherPath, config, batch, ddimSteps, config.Graph ? warmup + 1 : warmup, repeats, o.ReplayProbe, o.Profile, o.KeepTraces, reference);
                long leaked = Torch.NativeLiveTensors - liveBefore - (reference.Count - referencesBefore);
                var entry = new JsonObject { ["config"] = config.Name, ["settings"] = config.Describe(), ["leaked_native_tensors"] = leaked };
                if (ctx.Device.IsCuda)
                {
                    // What the configuration's models and graphs left behind: a graph whose memory outlives it shows here.
                    Cuda.EmptyCache();
                    entry["cuda_memory_allocated_after_bytes"] = Cuda.MemoryAllocated(ctx.Device.Index);
                    entry["cuda_memory_reserved_after_bytes"] = Cuda.MemoryReserved(ctx.Device.Index);
                }
                foreach (var (model, ms, runDifference, fromReference, probe, kernels) in times)
                {
                    if (kernels is not null)
                    {
                        // Per DDIM step (one guided network call): the profiled walk holds ddimSteps of them.
                        entry[$"{model}_csharp_kernels"] = KernelProfile.ToJson(kernels, ddimSteps);
                        result.Notes.Add(($"{model}, {config.Name}, C# kernels per DDIM step", KernelProfile.Summary(kernels, ddimSteps)));
                    }
                    entry[$"{model}_max_abs_difference_from_first_run"] = runDifference;
                    if (fromReference is var (max, mean))
                    {
                        entry[$"{model}_max_abs_difference_from_{configs[0].Name}"] = max;
                        entry[$"{model}_mean_abs_difference_from_{configs[0].Name}"] = mean;
                        result.Notes.Add(($"{model}, {config.Name}, precision", $"images differ from {configs[0].Name}'s by {mean:g3} on average, at most {max:g3}"));
                    }
                    probe?.Report(model, config.Name, entry, result.Notes);
                    result.Notes.Add(($"{model}, {config.Name}, repeatability", config.Graph
                        ? $"replayed images differ from the eager ones by at most {runDifference:g3}"
                        : $"images of repeated runs differ by at most {runDifference:g3}"));
                    entry[$"{model}_csharp_ms_all"] = ToArray(ms);
                    medians.Add((config, entry, model, Stats.Median(ms)));
                }
                if (leaked != 0) result.Notes.Add(("warning", $"{config.Name}: {leaked} native tensors were still alive after sampling"));
                perConfig.Add(entry);
            }
            // The slowest and least certain part last: a compile that fails or overruns its limit is recorded as unavailable.
            var compileModes = o.CompileModesOrDefault;
            if (compileModes.Count > 0)
                pytorch.Compile(DistillStep.CompileConfigs(o, configs), compileModes, TimeSpan.FromSeconds(o.CompileTimeout ?? 600));
        }

        // The PyTorch variants' traces (sample.py --trace: one walk each), per DDIM step.
        if (traces is not null) result.CSharp["pytorch_kernels"] = KernelProfile.ReadPythonTraces(traces, ddimSteps, result.Notes, "DDIM step");

        // Each model against PyTorch's fastest timing of that model in this run.
        var best = new Dictionary<string, PyTorchTiming>();
        var bestJson = new JsonObject();
        foreach (var model in Models)
        {
            var timings = pytorch.Timings(py => py[model], model);
            best[model] = PyTorchBest.Of(timings) ?? throw new BenchmarkException($"no PyTorch timing of the {model} is available: " + string.Join("; ", timings));
            foreach (var t in timings)
                result.Notes.Add(($"{model}, PyTorch {t.Name}", t.MsMedian is { } ms ? $"{ms:0.0} ms/batch, {batch / (ms * 1e-3):0.0} img/s" : t.Unavailable!));
            result.Notes.Add(($"{model}, PyTorch best", $"{best[model].Name}: {best[model].MsMedian:0.0} ms/batch (fastest of {timings.Count(t => t.MsMedian is not null)} PyTorch timings in this run)"));
            bestJson[model] = new JsonObject
            {
                ["pytorch_best_ms"] = best[model].MsMedian,
                ["pytorch_best_config"] = best[model].Name,
                ["pytorch_timings"] = new JsonArray(timings.Select(t => (JsonNode)t.ToJson()).ToArray()),
            };
        }
        foreach (var (config, entry, model, median) in medians)
        {
            var py = pytorch.Reference(config);
            entry["python_config"] = config.PythonName;
            entry["python"] ??= py.DeepClone();
            var own = PyTorchBest.Read(config.PythonName, py[model]!.AsObject(), $"sample.py ({config.PythonName}) {model}").ToDictionary(t => t.Variant);
            double pyMedian = own["eager"].MsMedian!.Value, bestMs = best[model].MsMedian!.Value;
            result.Measurements.Add(new($"{model}, {config.Name} vs PyTorch {best[model].Name}", "ms/batch", median, bestMs, GoalVsBest));
            entry[$"{model}_csharp_images_per_s"] = batch / (median * 1e-3);
            entry[$"{model}_python_images_per_s"] = batch / (pyMedian * 1e-3);
            if (own.TryGetValue("graph", out var graph) && graph.MsMedian is { } graphMs)
                entry[$"{model}_python_graph_images_per_s"] = batch / (graphMs * 1e-3);
            entry[$"{model}_pytorch_best_ms"] = bestMs;
            entry[$"{model}_pytorch_best_config"] = best[model].Name;
            entry[$"{model}_ratio_vs_pytorch_best"] = median / bestMs;
            result.Notes.Add(($"{model}, {config.Name}", $"C# {batch / (median * 1e-3):0.0} img/s, PyTorch {config.PythonName} eager {batch / (pyMedian * 1e-3):0.0} img/s, " +
                              $"PyTorch best {batch / (bestMs * 1e-3):0.0} img/s"));
        }
        foreach (var images in reference.Values) images.Dispose();
        result.CSharp["batch"] = batch;
        result.CSharp["ddim_steps"] = ddimSteps;
        result.CSharp["guidance"] = Guidance;
        result.CSharp["warmup"] = warmup;
        result.CSharp["warmup_graph_configs"] = warmup + 1;
        result.CSharp["repeats"] = repeats;
        result.CSharp["threads"] = threads;
        result.CSharp["teacher"] = teacherPath;
        result.CSharp["pytorch_best"] = bestJson;
        result.CSharp["configs"] = perConfig;
        result.Python = new JsonObject { ["torch_version"] = perConfig.Count > 0 ? perConfig[0]!["python"]!["torch_version"]!.DeepClone() : null };
        return result;
    }

    /// <summary>
    /// Milliseconds of each timed sampling run (a whole batch from noise to images), teacher then student, and the largest
    /// difference between any run's images and the first run's (all start from the same noise). With a graph configuration
    /// the warm-up samples eagerly and records the graph and the timed runs replay it, so the difference compares replays
    /// with eager sampling; without one it shows how far eager sampling itself is from deterministic. The first
    /// configuration's first images are kept in <paramref name="reference"/>; later configurations report their distance
    /// from them (max, mean), which says what their precision costs.
    /// </summary>
    private static List<(string Model, List<double> Ms, double RunDifference, (double Max, double Mean)? FromReference, ReplayProbe? Probe, KernelTrace? Kernels)> TimeSampling(
        Device device, string teacherPath, PerfConfig config, int batch, int ddimSteps, int warmup, int repeats, bool replayProbe, bool profile,
        string? keepTraces, Dictionary<string, Tensor> reference)
    {
        var (teacher, tokenizer, preset, _) = RandCond.Experiments.TeacherFile.Load(teacherPath, device);
        using var _teacher = teacher;
        using var student = new DistillationStudent(teacher, StudentSpec.BlockRemoved(), device);
        student.Eval();
        using var schedule = preset.Schedule();
        var sampler = new DdimSampler(schedule, ddimSteps);
        var (noise, timesteps, tokens) = DistillStep.RandomBatch(batch, tokenizer.VocabularySize, device, 0);
        using var _noise = noise;
        using var _timesteps = timesteps;
        using var _tokens = tokens;
        using var nullTokens = tokenizer.NullTokens(batch, DistillStep.ContextLength, device);
        using var start = config.ChannelsLast ? noise.ToMemoryFormat(MemoryFormat.ChannelsLast) : noise.Alias();
        var results = new List<(string, List<double>, double, (double, double)?, ReplayProbe?, KernelTrace?)>();
        foreach (var (name, model) in new[] { ("teacher", teacher), ("student", student.Student) })
        {
            if (config.ChannelsLast) model.To(MemoryFormat.ChannelsLast);
            if (config.Bf16Weights) model.To(DType.BFloat16);
            IDenoiser<Tensor> denoiser = config.Bf16Weights ? model.InDType(DType.BFloat16) : model;
            Func<IReadOnlyList<Tensor>, Denoiser> bind = c => ClassifierFreeGuidance.Bind(denoiser, c[0], nullTokens, Guidance);
            using var graphed = config.Graph ? new GraphedSampler(sampler, bind) : null;
            Tensor Walk() => graphed?.Sample(start, tokens) ?? sampler.Sample(bind([tokens]), start);
            var ms = new List<double>();
            Tensor? first = null, last = null;
            double difference = 0;
            for (int i = 0; i < warmup + repeats; i++)
            {
                if (device.IsCuda) Cuda.Synchronize(device.Index);
                long t0 = Stopwatch.GetTimestamp();
                Tensor images;
                using (config.Autocast(device))
                    images = Walk();
                if (device.IsCuda) Cuda.Synchronize(device.Index);
                if (i >= warmup) ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (first is null) first = images;
                else
                {
                    using (Torch.NewDisposeScope())
                        difference = Math.Max(difference, (images - first).Abs().Max().Item());
                    last?.Dispose();
                    last = images;
                }
            }
            KernelTrace? kernels = null;
            if (profile)
            {
                // One more walk (a replay, in a graph configuration) under the profiler; the trace is summed and removed.
                string trace = Path.Combine(Path.GetTempPath(), $"randcond-sample-{Environment.ProcessId}-{name}.json");
                using (Profiler.Start(trace, device.IsCuda))
                using (Torch.NewDisposeScope())
                using (config.Autocast(device))
                {
                    _ = Walk();
                    if (device.IsCuda) Cuda.Synchronize(device.Index);
                }
                kernels = KernelProfile.ReadAndKeep(trace, keepTraces, $"{config.Name}-{name}.json");
            }
            var probe = config.Graph && replayProbe ? ReplayProbe.Measure(config, device, schedule, sampler, bind, start, tokens) : null;
            // The student's parameters require grad (the teacher's do not), so eager autocast caches its bf16 weights, which a
            // capture cannot: probed again frozen, the one difference left between the two models' runs.
            if (probe is not null && model.Parameters().Any(p => p.RequiresGrad))
            {
                model.RequiresGrad(false);
                var frozen = ReplayProbe.Measure(config, device, schedule, sampler, bind, start, tokens);
                using (Torch.NewDisposeScope())
                using (config.Autocast(device))
                {
                    var images = sampler.Sample(bind([tokens]), start);
                    frozen = frozen with { EagerTrainableAgainstFrozen = (first! - images).Abs().Max().Item(), ReplayTrainableAgainstFrozen = (last! - images).Abs().Max().Item() };
                }
                probe = probe with { Frozen = frozen };
            }
            (double, double)? fromReference = null;
            if (!reference.TryGetValue(name, out var referenceImages))
                reference[name] = first!.Alias();
            else
                using (Torch.NewDisposeScope())
                {
                    var d = (first! - referenceImages).Abs();
                    fromReference = (d.Max().Item(), d.Mean().Item());
                }
            results.Add((name, ms, difference, fromReference, probe, kernels));
            first?.Dispose();
            last?.Dispose();
        }
        return results;
    }
}
