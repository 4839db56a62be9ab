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
    public int? Threads { get; private set; }

    public static readonly string[] Verbs = ["op-overhead", "convnet-step", "all", "device-check"];

    public const string Usage = """
        randcond-bench: RandCond (C#, libtorch through the native shim) against PyTorch, in one invocation.

        usage: randcond-bench VERB [options]

        verbs:
          op-overhead     per-operator overhead: x + x on a float32 tensor of shape [4], one thread
          convnet-step    one training step (forward, cross-entropy, backward, AdamW) of a 5-layer conv net, batch 64
          all             both of the above
          device-check    correctness of the binding on --device against the CPU, GPU memory release, and a
                          safetensors file read back by Python's safetensors (if installed there)

        options:
          --device cpu|cuda   where the tensors live (default cpu)
          --out FILE.json     result file (default results/VERB-DEVICE[-quick].json in the repository, else
                              in the current folder); with 'all', a combined file holding both results
          --python PATH       Python with torch for the reference (default /usr/bin/python3 if it exists, else python3)
          --quick             few iterations (a CI smoke test, not a measurement)
          --threads N         intra-op threads for convnet-step on both sides (default: the number of cores)
          --compile           convnet-step on CUDA: also time torch.compile of the model in PyTorch 2.x
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
                case "--compile": o.Compile = true; break;
                case "--threads":
                    var t = Value();
                    if (!int.TryParse(t, out var n) || n < 1) throw new UsageException($"--threads: expected a positive integer, got '{t}'");
                    o.Threads = n;
                    break;
                case "-h" or "--help": throw new UsageException(null);
                default: throw new UsageException($"unknown option '{a}'");
            }
        }
        return o;
    }
}

internal sealed class UsageException(string? message) : Exception(message ?? "");

/// <summary>A failure the user can fix (missing Python, missing torch, no GPU): printed without a stack trace.</summary>
internal sealed class BenchmarkException(string message) : Exception(message);
