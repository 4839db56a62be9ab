using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// Per-operator overhead: x + x on a float32 tensor of shape [4] in a tight loop, one thread, against
/// `z = x + x` in Python. The kernel is a few nanoseconds, so this times the path from the caller's language
/// into the dispatcher and back (argument boxing, the call, wrapping and freeing the result).
/// </summary>
internal static class OpOverhead
{
    public const string Name = "op-overhead";
    private const double Goal = 0.6;
    private const int ScopeEvery = 100;

    public static BenchmarkResult Run(RunContext ctx)
    {
        bool quick = ctx.Options.Quick;
        int ops = quick ? 20_000 : 200_000;
        int reps = quick ? 3 : 5;
        int warmup = quick ? 10_000 : 100_000;
        // Rounds alternate the Python and C# measurements, so that load from other work on the machine
        // falls on both sides alike; every round times reps / rounds repetitions on each side.
        int rounds = quick ? 1 : reps;
        int repsPerRound = reps / rounds;

        int previousThreads = Torch.NumThreads;
        try
        {
            Torch.ManualSeed(0);
            using var x = Torch.Randn([4], device: ctx.Device);
            bool cuda = ctx.Device.IsCuda;
            var pytorch = new HostSettingRuns(ctx, "op_overhead.py", "us_per_op_reps", TimeSpan.FromMinutes(10));
            var each = new List<double>();
            var scoped = new List<double>();
            long leaked = 0;
            for (int round = 0; round < rounds; round++)
            {
                Console.Error.WriteLine($"[{Name}] round {round + 1}/{rounds}: PyTorch {repsPerRound} x {ops} ops after {warmup} warm-up ops, then C# the same per variant ...");
                pytorch.RunRound(_ => ["--device", ctx.Device.ToString(), "--ops", I(ops), "--reps", I(repsPerRound), "--warmup", I(warmup), "--threads", "1"]);

                Torch.NumThreads = 1;
                long liveBefore = Torch.NativeLiveTensors;
                // Warm-up in chunks, so the JIT sees the timed methods called often enough to tier them up.
                for (int done = 0; done < warmup; done += warmup / 10)
                {
                    DisposeEach(x, warmup / 10, cuda);
                    Scoped(x, warmup / 10, cuda);
                }
                for (int r = 0; r < repsPerRound; r++)
                {
                    each.Add(DisposeEach(x, ops, cuda));
                    scoped.Add(Scoped(x, ops, cuda));
                }
                leaked += Torch.NativeLiveTensors - liveBefore;
            }

            var settings = pytorch.Settings;
            var best = pytorch.Best;
            double pyMedian = pytorch.Median(best);
            var result = new BenchmarkResult
            {
                Name = Name,
                Description = "x + x, float32 [4], torch threads 1: time per operator call",
            };
            string vs = settings.Count > 1 ? $" vs PyTorch {best.Qualify("eager")}" : "";
            result.Measurements.Add(new($"add [4], using var z (dispose each){vs}", "us/op", Stats.Median(each), pyMedian, Goal));
            result.Measurements.Add(new($"add [4], DisposeScope per {ScopeEvery} ops{vs}", "us/op", Stats.Median(scoped), pyMedian, Goal));
            foreach (var setting in settings.Where(_ => settings.Count > 1))
                result.Notes.Add(($"PyTorch {setting.Qualify("eager")}", $"{pytorch.Median(setting):0.000} us/op"));
            result.Notes.Add(("fastest repetition (us/op)", $"C# dispose each {each.Min():0.000}, C# scope {scoped.Min():0.000}, PyTorch {pytorch.Times(best).Min():0.000}"));
            result.CSharp["ops_per_rep"] = ops;
            result.CSharp["reps"] = reps;
            result.CSharp["rounds"] = rounds;
            result.CSharp["warmup_ops_per_round"] = warmup;
            result.CSharp["threads"] = 1;
            result.CSharp["dispose_each_us_per_op_reps"] = ToArray(each);
            result.CSharp["scope_us_per_op_reps"] = ToArray(scoped);
            result.CSharp["scope_every"] = ScopeEvery;
            result.CSharp["leaked_native_tensors"] = leaked;
            result.Python = new JsonObject
            {
                ["torch_version"] = pytorch.Rounds[0]!["torch_version"]!.DeepClone(),
                ["best"] = best.Qualify("eager"),
                ["us_per_op_median"] = pyMedian,
                ["us_per_op_reps"] = ToArray(pytorch.Times(best)),
                ["rounds"] = pytorch.Rounds,
            };
            if (leaked != 0) result.Notes.Add(("warning", $"{leaked} native tensors were still alive after the loops"));
            return result;
        }
        finally
        {
            Torch.NumThreads = previousThreads;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double DisposeEach(Tensor x, int n, bool cuda)
    {
        if (cuda) Cuda.Synchronize();
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            using var z = x + x;
        }
        if (cuda) Cuda.Synchronize();
        return Stopwatch.GetElapsedTime(t0).TotalMicroseconds / n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Scoped(Tensor x, int n, bool cuda)
    {
        if (cuda) Cuda.Synchronize();
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i += ScopeEvery)
        {
            using var scope = Torch.NewDisposeScope();
            int m = Math.Min(ScopeEvery, n - i);
            for (int j = 0; j < m; j++)
            {
                var z = x + x;
            }
        }
        if (cuda) Cuda.Synchronize();
        return Stopwatch.GetElapsedTime(t0).TotalMicroseconds / n;
    }

    internal static JsonArray ToArray(IEnumerable<double> xs) => new(xs.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    internal static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
