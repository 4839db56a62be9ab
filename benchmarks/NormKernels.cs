using System.Text.Json.Nodes;
using RandCond.Tensors;
using static RandCond.Benchmarks.OpOverhead;

namespace RandCond.Benchmarks;

/// <summary>
/// GPU kernel time of one fused GroupNorm + shift + SiLU on a channels-last bf16 map (a residual block's second norm), per
/// shape of the paper-scale U-Net's norms at the guided sampler's batch: the vector kernel and the general kernel
/// (<see cref="F.ChannelsLastNormKernel"/>) against benchmarks/python/norm_kernels.py's eager PyTorch and torch.compile on
/// the same shapes, all from the profiler's kernel time (a graph replays exactly these kernels). Also the bandwidth each
/// reaches: the map read once and written once.
/// </summary>
internal static class NormKernels
{
    public const string Name = "norm-kernels";
    private const int Groups = 8;
    private static readonly (int Channels, int Height, int Width)[] Shapes =
        [(32, 28, 28), (64, 28, 28), (96, 28, 28), (64, 14, 14), (96, 14, 14), (128, 14, 14), (64, 7, 7), (128, 7, 7)];

    public static BenchmarkResult Run(RunContext ctx)
    {
        if (!ctx.Device.IsCuda) throw new UsageException("norm-kernels times the fused CUDA kernels: it needs --device cuda");
        if (!F.FusedNormKernels) throw new BenchmarkException("norm-kernels: the native shim was built without its CUDA normalization kernels");
        if (!Profiler.IsAvailable) throw new BenchmarkException("norm-kernels: this libtorch cannot profile (no Kineto)");
        int batch = ctx.Options.Batch ?? 512, calls = ctx.Options.Quick ? 5 : 50;
        string shapes = string.Join(',', Shapes.Select(s => $"{s.Channels}x{s.Height}x{s.Width}"));
        Console.Error.WriteLine($"[{Name}] PyTorch eager and torch.compile, then C#: {Shapes.Length} shapes, batch {batch}, {calls} calls each ...");
        var python = PythonReference.Run(ctx.PythonPath, PythonReference.FindScript("norm_kernels.py"),
            ["--device", ctx.Device.ToString(), "--batch", I(batch), "--groups", I(Groups), "--shapes", shapes, "--calls", I(calls)], TimeSpan.FromMinutes(10));
        var result = new BenchmarkResult
        {
            Name = Name,
            Description = $"GroupNorm ({Groups} groups) of x + shift, then SiLU, channels-last bf16, batch {batch}: GPU kernel time per call",
            Python = python,
        };
        var rows = new JsonArray();
        var pythonShapes = python["shapes"]!.AsArray();
        for (int i = 0; i < Shapes.Length; i++)
        {
            var (channels, height, width) = Shapes[i];
            var (vector, general) = Time(ctx.Device, batch, channels, height, width, calls);
            var reference = pythonShapes[i]!.AsObject();
            double? eager = KernelUs(reference["eager"]), compiled = KernelUs(reference["compile"]);
            double best = new[] { eager, compiled }.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Min();
            double gigabytes = 2.0 * batch * channels * height * width * 2 / 1e9;  // bf16 read once, written once
            string shape = $"{channels}x{height}x{width}";
            result.Measurements.Add(new($"{shape}, vector kernel vs PyTorch's best ({(best == compiled ? "compile" : "eager")})", "us", vector, best, null));
            result.Notes.Add(($"{shape}: us per call (GB/s)",
                $"vector {vector:0.0} ({gigabytes / vector * 1e6:0}), general {general:0.0} ({gigabytes / general * 1e6:0}), " +
                $"PyTorch eager {Show(eager)}, torch.compile {Show(compiled)}"));
            var plan = F.ChannelsLastNormPlan(channels, height * width, Groups, DType.BFloat16);
            rows.Add(new JsonObject
            {
                ["channels"] = channels, ["height"] = height, ["width"] = width,
                ["plan"] = plan is { } p ? $"slab {p.Slab}, {p.Threads} threads" : "none (general kernel)",
                ["vector_us"] = vector, ["general_us"] = general, ["pytorch_eager_us"] = eager, ["pytorch_compile_us"] = compiled,
                ["vector_gb_per_s"] = gigabytes / vector * 1e6, ["general_gb_per_s"] = gigabytes / general * 1e6,
            });
        }
        double sum(string key) => rows.Sum(r => r![key]!.GetValue<double>());
        result.Notes.Add(("all shapes, us (one call each)", $"vector {sum("vector_us"):0.0}, general {sum("general_us"):0.0}"));
        result.CSharp["batch"] = batch;
        result.CSharp["groups"] = Groups;
        result.CSharp["calls_profiled"] = calls;
        result.CSharp["shapes"] = rows;
        return result;
    }

    private static string Show(double? us) => us is { } v ? $"{v:0.0}" : "unavailable";

    /// <summary>The reference's kernel time per call in microseconds, or null where the variant reported "unavailable: ...".</summary>
    private static double? KernelUs(JsonNode? variant) =>
        variant is JsonObject o && o["gpu_kernel_ms"] is { } ms ? ms.GetValue<double>() * 1e3 : null;

    /// <summary>Microseconds of kernel time per call with the vector kernel and with the general kernel.</summary>
    private static (double Vector, double General) Time(Device device, int batch, int channels, int height, int width, int calls)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        using var g = new Generator(0);
        var x = (Torch.Randn([batch, channels, height, width], g) * 3.0 + 1.0).To(device).To(DType.BFloat16).ToMemoryFormat(MemoryFormat.ChannelsLast);
        var shift = Torch.Randn([batch, channels], g).To(device).To(DType.BFloat16);
        var w = Torch.Randn([channels], g).To(device).To(DType.BFloat16);
        var b = Torch.Randn([channels], g).To(device).To(DType.BFloat16);
        double Us(bool vector)
        {
            using var kernel = F.UseChannelsLastNormKernel(vector);
            void Calls(int count)
            {
                for (int i = 0; i < count; i++)
                    using (F.GroupNormSilu(x, Groups, w, b, shift: shift)) { }
                Cuda.Synchronize(device.Index);
            }
            Calls(5);
            string trace = Path.Combine(Path.GetTempPath(), $"randcond-norm-kernels-{Environment.ProcessId}.json");
            using (Profiler.Start(trace, cuda: true)) Calls(calls);
            return KernelProfile.ReadAndKeep(trace, keepDirectory: null, keptName: "").TotalMs * 1e3 / calls;
        }
        return (Us(true), Us(false));
    }
}
