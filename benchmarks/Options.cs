namespace RandCond.Benchmarks;

/// <summary>Command-line options shared by every verb.</summary>
internal sealed class Options
{
    public required string Verb { get; init; }
    public string Device { get; private set; } = "cpu";
    public string? Out { get; private set; }
    public string? Python { get; private set; }
    public bool Quick { get; private set; }
    public bool Compile { get; private set; }
    public string[]? CompileModes { get; private set; }
    public string[]? CompileConfigs { get; private set; }
    public int? CompileTimeout { get; private set; }
    public bool? PyTorchGraph { get; private set; }
    public int? Threads { get; private set; }
    public int? Batch { get; private set; }
    public string? KeepTraces { get; private set; }
    public int? Steps { get; private set; }
    public int? DdimSteps { get; private set; }
    public string[]? Configs { get; private set; }
    public bool Verify { get; private set; }
    public bool ReplayProbe { get; private set; }
    public bool Profile { get; private set; }
    public string? Teacher { get; private set; }

    public static readonly string[] Verbs = ["op-overhead", "convnet-step", "all", "device-check", "distill-step", "sample", "norm-kernels"];

    public const string Usage = """
        randcond-bench: RandCond (C#, libtorch through the native shim) against PyTorch, in one invocation.

        usage: randcond-bench VERB [options]

        verbs:
          op-overhead     per-operator overhead: x + x on a float32 tensor of shape [4], one thread
          convnet-step    one training step (forward, cross-entropy, backward, AdamW) of a 5-layer conv net, batch 64
          all             both of the above
          distill-step    one distillation step (teacher forward, block-removed student forward/backward with
                          feature capture, output + feature KD, AdamW, EMA) of the paper-scale Fashion-MNIST teacher,
                          per performance configuration; --verify checks the PyTorch model equals the C# one instead
          sample          sampling throughput of the teacher and the student (DDIM, classifier-free guidance)
          norm-kernels    GPU kernel time of the fused GroupNorm + shift + SiLU (vector and general kernels) on the
                          U-Net's channels-last bf16 shapes, against PyTorch eager and torch.compile (CUDA)
          device-check    correctness of the binding on --device against the CPU, GPU memory release, and a
                          safetensors file read back by Python's safetensors (if installed there)

        options:
          --device cpu|cuda   where the tensors live (default cpu)
          --out FILE.json     result file (default results/VERB-DEVICE[-quick].json in the repository, else
                              in the current folder); with 'all', a combined file holding both results
          --python PATH       Python with torch for the reference (default /usr/bin/python3 if it exists, else python3)
          --quick             few iterations (a CI smoke test, not a measurement)
          --threads N         intra-op threads for convnet-step on both sides (default: the number of cores)
          --compile           also time torch.compile of the model(s) in PyTorch 2.x (convnet-step; distill-step and
                              sample: in modes default and reduce-overhead)
          --compile-modes L   distill-step / sample: the torch.compile modes to time (implies --compile): a
                              comma-separated list of default, reduce-overhead, max-autotune
          --compile-configs L distill-step / sample: the configurations whose PyTorch side is compiled (default: all)
          --compile-timeout S distill-step / sample: seconds each torch.compile mode may take, compiling included
                              (default 600); past it the mode is reported unavailable and the run goes on
          --no-pytorch-graph  distill-step / sample: leave out PyTorch's whole step / walk as one CUDA graph (timed for
                              every configuration on CUDA by default); the ratios compare with PyTorch's best timing
          --batch N           distill-step / sample batch (default 256 on CUDA, 2 on the CPU); norm-kernels (default
                              512: the guided sampler's batch of 256)
          --steps N           distill-step: timed steps per configuration (default 30 on CUDA, 3 on the CPU)
          --configs LIST      distill-step / sample: comma-separated configurations, each 'fp32' or a '+'-joined set of
                              tf32, bf16 (autocast), bf16w (sample: bf16 weights), cl (channels-last), auto (cuDNN
                              autotuning), graph (C# as a CUDA graph); defaults in benchmarks/README.md
          --verify            distill-step: compare the PyTorch reference model with the C# one on the same inputs
                              (outputs, losses, gradient norm within 1e-4; TF32 off) instead of timing
          --teacher FILE      teacher safetensors (default data/teachers/fashion-mnist-teacher.safetensors)
          --ddim-steps N      sample: DDIM steps (default 50; 2 with --quick on the CPU)
          --profile           sample: also profile one walk per model and configuration (Kineto; CUDA) and record the
                              C# side's kernels per step: time, launches, the costliest. distill-step: profile three
                              more steps of each configuration on both sides (PyTorch: every variant timed) and record
                              each side's kernels per step by kind (convolution, normalization, elementwise, ...)
          --keep-traces DIR   sample / distill-step --profile: keep each profiled walk's or steps' Chrome trace in DIR
                              (CONFIG-MODEL.json, CONFIG-step.json; in an eager configuration it holds every operator
                              with its input shapes and strides and the kernels it ran: python/trace_ops.py reads it)
          --replay-probe      sample: in graph configurations, also probe where replayed sampling departs from eager
                              (one guided call, the first k steps); records many graphs, so off by default
          -h, --help          this text
        """;

    public static Options Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            throw new UsageException(null);
        var verb = args[0];
        if (!Verbs.Contains(verb))
            throw new UsageException($"unknown verb '{verb}' (expected one of: {string.Join(", ", Verbs)})");
        var o = new Options { Verb = verb };
        for (int i = 1; i < args.Length; i++)
        {
            string a = args[i];
            string Value()
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--"))
                    throw new UsageException($"option {a} needs a value");
                return args[++i];
            }
            switch (a)
            {
                case "--device":
                    o.Device = Value().ToLowerInvariant();
                    if (o.Device is not ("cpu" or "cuda") && !o.Device.StartsWith("cuda:"))
                        throw new UsageException($"--device: expected cpu or cuda, got '{o.Device}'");
                    break;
                case "--out": o.Out = Value(); break;
                case "--python": o.Python = Value(); break;
                case "--quick": o.Quick = true; break;
                case "--verify": o.Verify = true; break;
                case "--replay-probe": o.ReplayProbe = true; break;
                case "--profile": o.Profile = true; break;
                case "--keep-traces": o.KeepTraces = Value(); break;
                case "--teacher": o.Teacher = Value(); break;
                case "--batch": o.Batch = PositiveInt(a, Value()); break;
                case "--steps": o.Steps = PositiveInt(a, Value()); break;
                case "--ddim-steps": o.DdimSteps = PositiveInt(a, Value()); break;
                case "--configs":
                    o.Configs = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var c in o.Configs) PerfConfig.Parse(c);
                    if (o.Configs.Length == 0) throw new UsageException("--configs: give at least one configuration");
                    break;
                case "--compile": o.Compile = true; break;
                case "--compile-modes":
                    o.CompileModes = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
                    if (o.CompileModes.Length == 0 || o.CompileModes.Any(m => !PyTorchRuns.CompileModes.Contains(m)))
                        throw new UsageException($"--compile-modes: expected a comma-separated list of {string.Join(", ", PyTorchRuns.CompileModes)}, got '{string.Join(',', o.CompileModes)}'");
                    o.Compile = true;
                    break;
                case "--compile-configs":
                    o.CompileConfigs = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var c in o.CompileConfigs)
                    {
                        try { PerfConfig.Parse(c); }
                        catch (UsageException e) { throw new UsageException(e.Message.Replace("--configs:", "--compile-configs:")); }
                    }
                    if (o.CompileConfigs.Length == 0) throw new UsageException("--compile-configs: give at least one configuration");
                    break;
                case "--compile-timeout": o.CompileTimeout = PositiveInt(a, Value()); break;
                case "--no-pytorch-graph": o.PyTorchGraph = false; break;
                case "--threads":
                    var t = Value();
                    if (!int.TryParse(t, out var n) || n < 1) throw new UsageException($"--threads: expected a positive integer, got '{t}'");
                    o.Threads = n;
                    break;
                case "-h" or "--help": throw new UsageException(null);
                default: throw new UsageException($"unknown option '{a}'");
            }
        }
        if (o.Verify && o.Verb != "distill-step") throw new UsageException("--verify belongs to distill-step");
        if (o.KeepTraces is not null && !(o.Verb is "sample" or "distill-step" && o.Profile))
            throw new UsageException("--keep-traces belongs to sample --profile and distill-step --profile");
        bool pytorchVariants = o.CompileModes is not null || o.CompileConfigs is not null || o.CompileTimeout is not null || o.PyTorchGraph is not null;
        if (pytorchVariants && o.Verb is not ("distill-step" or "sample"))
            throw new UsageException("--compile-modes, --compile-configs, --compile-timeout and --no-pytorch-graph belong to distill-step and sample");
        if ((o.CompileConfigs is not null || o.CompileTimeout is not null) && !o.Compile)
            throw new UsageException("--compile-configs and --compile-timeout choose what torch.compile times: add --compile or --compile-modes LIST");
        return o;
    }

    /// <summary>distill-step / sample: the torch.compile modes to time (default and reduce-overhead with a bare --compile).</summary>
    public IReadOnlyList<string> CompileModesOrDefault => CompileModes ?? (Compile ? ["default", "reduce-overhead"] : []);

    private static int PositiveInt(string option, string text) =>
        int.TryParse(text, out var n) && n >= 1 ? n : throw new UsageException($"{option}: expected a positive integer, got '{text}'");
}

internal sealed class UsageException(string? message) : Exception(message ?? "");

/// <summary>A failure the user can fix (missing Python, missing torch, no GPU): printed without a stack trace.</summary>
internal sealed class BenchmarkException(string message) : Exception(message);
