using System.Text.Json.Nodes;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// Checks the binding on a device against the CPU: the same operators, gradients, optimizer steps and EMA updates agree;
/// seeded generators repeat; a training loop returns device memory to where it started; a safetensors file
/// written from device tensors loads in Python's safetensors with equal values; on CUDA, the fused kernels and stream forks.
/// </summary>
internal static class DeviceCheck
{
    private sealed record Check(string Name, bool Passed, string Detail);

    public static int Run(RunContext ctx)
    {
        var device = ctx.Device;
        var checks = new List<Check>();
        void Add(string name, bool ok, string detail)
        {
            checks.Add(new Check(name, ok, detail));
            Console.Out.WriteLine($"  {(ok ? "ok  " : "FAIL")} {name}: {detail}");
        }

        Torch.ManualSeed(0);
        Compare(Add, "conv2d + group_norm + silu forward/backward", device, x =>
        {
            using var w = Torch.Randn([8, 4, 3, 3], new Generator(1)).To(x.Device);
            using var gw = Torch.Ones([8]).To(x.Device);
            var y = F.GroupNorm(F.Conv2d(x, w, null, 1, 1), 2, gw, null).Silu();
            return y;
        }, [2, 4, 16, 16]);
        Compare(Add, "scaled dot-product attention", device, x =>
            F.ScaledDotProductAttention(x, x * 0.5, x + 1.0), [2, 2, 16, 8]);
        Compare(Add, "matmul + log_softmax", device, x => (x.MatMul(x.T) * 0.1).LogSoftmax(-1), [4, 32, 32]);
        Compare(Add, "interpolate bilinear + avg pool", device, x => F.AvgPool2d(F.Interpolate(x, scaleFactor: 2, mode: "bilinear"), 2), [1, 3, 7, 7]);

        using (var g1 = new Generator(42, device))
        using (var g2 = new Generator(42, device))
        using (var a = Torch.Randn([1000], g1, device: device))
        using (var b = Torch.Randn([1000], g2, device: device))
        using (var eq = a.Eq(b).All())
            Add("seeded generator repeats", eq.Item() != 0, $"Randn on {device} with seed 42 twice");

        AdamWAgrees(Add, device);
        EmaAgrees(Add, device);
        if (device.IsCuda) MemoryReturns(Add, device);
        if (device.IsCuda) FusedNormsAgree(Add, device);
        if (device.IsCuda) ChannelsLastNormCheck.Run(Add, device);
        if (device.IsCuda) FusedNormTrainingCheck.Run(Add, device);
        if (device.IsCuda) UpsampleCheck.Run(Add, device);
        if (device.IsCuda) StreamForkCheck.Run(Add, device, DistillStep.TeacherPath(ctx.Options));
        SafetensorsInPython(Add, ctx, device);

        int failed = checks.Count(c => !c.Passed);
        var json = ctx.Header("device-check");
        json["checks"] = new JsonArray(checks.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["passed"] = c.Passed, ["detail"] = c.Detail }).ToArray());
        json["passed"] = checks.Count - failed;
        json["failed"] = failed;
        var path = ctx.Options.Out ?? ctx.DefaultOut("device-check");
        RandCond.Experiments.ResultFiles.Write(path, json);
        Console.Out.WriteLine($"{checks.Count - failed} passed, {failed} failed");
        Console.Out.WriteLine($"  -> {Path.GetFullPath(path)}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Runs f on the CPU and on the device (float32, TF32 as libtorch defaults) and compares outputs and input gradients.</summary>
    private static void Compare(Action<string, bool, string> add, string name, Device device, Func<Tensor, Tensor> f, long[] shape)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(7);
        var xc = Torch.Randn(shape, g).RequiresGrad_();
        var xd = xc.Detach().To(device).RequiresGrad_();
        var yc = f(xc);
        var yd = f(xd);
        yc.Square().Sum().Backward();
        yd.Square().Sum().Backward();
        double outErr = RelErr(yd.Cpu(), yc);
        double gradErr = RelErr(xd.Grad!.Cpu(), xc.Grad!);
        bool ok = outErr < 2e-3 && gradErr < 2e-3;
        add(name, ok, $"relative error output {outErr:E2}, input grad {gradErr:E2} (limit 2e-3)");
    }

    /// <summary>The fused CUDA GroupNorm (+ shift + SiLU) and LayerNorm kernels (inference: no grad) against the CPU operators, in float32, in bf16 and under bf16 autocast.</summary>
    private static void FusedNormsAgree(Action<string, bool, string> add, Device device)
    {
        if (!F.FusedNormKernels)
        {
            add("fused normalizations", false, "the native shim was built without its CUDA normalization kernels (no CUDA compiler when it was built)");
            return;
        }
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        using var g = new Generator(11);
        // An offset and a scale far from 0 and 1 test the two-pass statistics.
        var x = Torch.Randn([4, 64, 14, 14], g) * 3.0 + 1.0;
        var rows = Torch.Randn([4, 196, 64], g) * 2.0 - 0.5;
        var w = Torch.Randn([64], g);
        var b = Torch.Randn([64], g);
        var shift = Torch.Randn([4, 64], g);
        var groupNorm = F.GroupNorm(x + shift.View(4, 64, 1, 1), 8, w, b).Silu();
        var layerNorm = F.LayerNorm(rows, [64], w, b);
        foreach (var (dtype, limit) in new[] { (DType.Float32, 1e-5), (DType.BFloat16, 1e-2) })
        {
            Tensor On(Tensor t) => t.To(device).To(dtype);
            double gn = RelErr(F.GroupNormSilu(On(x), 8, On(w), On(b), shift: On(shift)).Float().Cpu(), groupNorm);
            double gnCl = RelErr(F.GroupNormSilu(On(x).ToMemoryFormat(MemoryFormat.ChannelsLast), 8, On(w), On(b), shift: On(shift)).Float().Cpu(), groupNorm);
            double ln = RelErr(F.LayerNorm(On(rows), [64], On(w), On(b)).Float().Cpu(), layerNorm);
            add($"fused group_norm + shift + silu (NCHW, channels-last) and layer_norm, {dtype}", Math.Max(Math.Max(gn, gnCl), ln) < limit,
                $"relative error {gn:E2}, {gnCl:E2} and {ln:E2} against the CPU operators (limit {limit:g})");
        }
        // Under autocast: the bf16 input read as it is, float32 parameters, a float32 output (shift in the input's dtype).
        var xb = x.To(DType.BFloat16);
        var sb = shift.To(DType.BFloat16);
        var rb = rows.To(DType.BFloat16);
        var gnExpected = F.GroupNorm(xb.Float() + sb.Float().View(4, 64, 1, 1), 8, w, b).Silu();
        var lnExpected = F.LayerNorm(rb.Float(), [64], w, b);
        using (Torch.Autocast(device, DType.BFloat16))
        {
            var gnAuto = F.GroupNormSilu(xb.To(device), 8, w.To(device), b.To(device), shift: sb.To(device));
            var lnAuto = F.LayerNorm(rb.To(device), [64], w.To(device), b.To(device));
            double gn = RelErr(gnAuto.Float().Cpu(), gnExpected), ln = RelErr(lnAuto.Float().Cpu(), lnExpected);
            bool float32 = gnAuto.DType == DType.Float32 && lnAuto.DType == DType.Float32;
            add("fused group_norm + shift + silu and layer_norm under bf16 autocast", float32 && Math.Max(gn, ln) < 1e-5,
                $"outputs {gnAuto.DType} and {lnAuto.DType} (autocast's: Float32), relative error {gn:E2} and {ln:E2} against the CPU operators on the same bf16 values (limit 1e-5)");
            // Where the caller feeds the output to convolutions or linears only: bf16, as those would round it.
            var gnLow = F.GroupNormSilu(xb.To(device), 8, w.To(device), b.To(device), shift: sb.To(device), lowPrecisionOutput: true);
            var lnLow = F.LayerNorm(rb.To(device), [64], w.To(device), b.To(device), lowPrecisionOutput: true);
            double gnRounded = RelErr(gnLow.Float().Cpu(), gnAuto.To(DType.BFloat16).Float().Cpu());
            double lnRounded = RelErr(lnLow.Float().Cpu(), lnAuto.To(DType.BFloat16).Float().Cpu());
            bool bf16 = gnLow.DType == DType.BFloat16 && lnLow.DType == DType.BFloat16;
            add("fused group_norm + shift + silu and layer_norm under bf16 autocast, bf16 output", bf16 && Math.Max(gnRounded, lnRounded) < 1e-3,
                $"outputs {gnLow.DType} and {lnLow.DType} (asked: BFloat16), relative difference {gnRounded:E2} and {lnRounded:E2} from the float32 outputs rounded to bf16 (limit 1e-3)");
        }
    }

    internal static double RelErr(Tensor a, Tensor b)
    {
        using var scope = Torch.NewDisposeScope();
        var a64 = a.Double();
        var b64 = b.Double();
        return (a64 - b64).Norm().Item() / Math.Max(b64.Norm().Item(), 1e-30);
    }

    private sealed class Mlp : Module<Tensor, Tensor>
    {
        private readonly Sequential net;
        public Mlp() => net = Register("net", new Sequential(new Linear(16, 64), new SiLU(), new Linear(64, 4)));
        public override Tensor Forward(Tensor x) => net.Forward(x);
    }

    private static void AdamWAgrees(Action<string, bool, string> add, Device device)
    {
        Torch.ManualSeed(3);
        using var cpu = new Mlp();
        using var dev = new Mlp();
        dev.LoadStateDict(cpu.StateDict());
        dev.To(device);
        using var oc = new AdamW(cpu, lr: 1e-2);
        using var od = new AdamW(dev, lr: 1e-2);
        using var x = Torch.Randn([32, 16], new Generator(5));
        using var xd = x.To(device);
        for (int i = 0; i < 20; i++)
        {
            using (var s = Torch.NewDisposeScope()) cpu.Forward(x).Square().Mean().Backward();
            using (var s = Torch.NewDisposeScope()) dev.Forward(xd).Square().Mean().Backward();
            using (GradClip.ClipGradNorm(cpu.Parameters(), 1.0)) { }
            using (GradClip.ClipGradNorm(dev.Parameters(), 1.0)) { }
            oc.Step(); od.Step(); oc.ZeroGrad(); od.ZeroGrad();
        }
        double worst = 0;
        foreach (var ((_, pc), (_, pd)) in cpu.NamedParameters().Zip(dev.NamedParameters()))
            worst = Math.Max(worst, RelErr(pd.Data.Cpu(), pc.Data));
        add("AdamW + clipping, 20 steps", worst < 1e-3, $"worst relative parameter difference {worst:E2} (limit 1e-3)");
    }

    /// <summary>The EMA's update with its decay in a device tensor (what a CUDA graph replays) against the host-scalar update on the CPU.</summary>
    private static void EmaAgrees(Action<string, bool, string> add, Device device)
    {
        Torch.ManualSeed(4);
        using var cpu = new Mlp();
        using var cpuAverage = new Mlp();
        using var dev = new Mlp();
        using var devAverage = new Mlp();
        dev.LoadStateDict(cpu.StateDict());
        dev.To(device);
        devAverage.To(device);
        var cpuEma = new Ema(cpu, cpuAverage);
        var devEma = new Ema(dev, devAverage);
        using var decay = Torch.Scalar(0.9, DType.Float32, device);
        using var generator = new Generator(6);
        using (Torch.NoGrad())
            for (int step = 0; step < 5; step++)
            {
                foreach (var ((_, pc), (_, pd)) in cpu.NamedParameters().Zip(dev.NamedParameters()))
                {
                    using var change = Torch.Randn(pc.Data.Shape, generator);
                    using var onDevice = change.To(device);
                    pc.Data.AddInPlace(change);
                    pd.Data.AddInPlace(onDevice);
                }
                cpuEma.Decay = 0.9;
                cpuEma.Update();
                devEma.Update(decay);
            }
        double worst = 0;
        foreach (var ((_, pc), (_, pd)) in cpuAverage.NamedParameters().Zip(devAverage.NamedParameters()))
            worst = Math.Max(worst, RelErr(pd.Data.Cpu(), pc.Data));
        add("EMA with a device decay, 5 updates", worst < 1e-5,
            $"worst relative difference of the average {worst:E2} (limit 1e-5)");
    }

    private static void MemoryReturns(Action<string, bool, string> add, Device device)
    {
        Cuda.Synchronize(device.Index);
        long before = Cuda.MemoryAllocated(device.Index);
        using (var model = new Mlp())
        {
            model.To(device);
            using var opt = new AdamW(model);
            for (int i = 0; i < 200; i++)
            {
                using (var s = Torch.NewDisposeScope())
                    model.Forward(Torch.Randn([256, 16], device: device)).Square().Mean().Backward();
                opt.Step();
                opt.ZeroGrad();
            }
        }
        Cuda.Synchronize(device.Index);
        long after = Cuda.MemoryAllocated(device.Index);
        add("GPU memory returns after 200 steps", after == before, $"allocated {before} bytes before, {after} after; peak {Cuda.MaxMemoryAllocated(device.Index)}");
    }

    private static void SafetensorsInPython(Action<string, bool, string> add, RunContext ctx, Device device)
    {
        var dir = Directory.CreateTempSubdirectory("rc-check-").FullName;
        var path = Path.Combine(dir, "check.safetensors");
        using (var a = Torch.Arange(0, 12, 1, DType.Float32, device).Reshape(3, 4))
        using (var b = Torch.Arange(5, device: device))
        using (var c = (Torch.Arange(0, 6, 1, DType.Float32, device) / 3.0).To(DType.BFloat16))
            Safetensors.Save(path, new Dictionary<string, Tensor> { ["a.weight"] = a, ["b"] = b, ["c.bf16"] = c }, new Dictionary<string, string> { ["written_by"] = "RandCond" });
        try
        {
            var result = PythonReference.Run(ctx.PythonPath, PythonReference.FindScript("check_safetensors.py"), [path], TimeSpan.FromSeconds(120));
            bool ok = result["ok"]?.GetValue<bool>() == true;
            add("safetensors file loads in Python", ok, result["detail"]?.GetValue<string>() ?? result.ToJsonString());
        }
        catch (BenchmarkException e)
        {
            add("safetensors file loads in Python", false, e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
