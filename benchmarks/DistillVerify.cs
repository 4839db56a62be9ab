using System.Globalization;
using System.Text.Json.Nodes;
using RandCond.Nn;
using RandCond.Tensors;
using static RandCond.Benchmarks.OpOverhead;

namespace RandCond.Benchmarks;

/// <summary>
/// `distill-step --verify`: the PyTorch reference (rc_model.py) must be the same model as the C# one. C# runs one
/// distillation step's forward pass and update on a fixed batch (float32, TF32 off) and writes the batch and its
/// results to a safetensors file; distill_step.py --verify loads the same teacher, builds the same student, runs the
/// same step on that batch and reports the largest differences, which must stay within 1e-4 (the gradient norm
/// relative to its size).
/// </summary>
internal static class DistillVerify
{
    public const double Tolerance = 1e-4;

    public static int Run(RunContext ctx)
    {
        var device = ctx.Device;
        int batch = ctx.Options.Batch ?? (device.IsCuda ? 64 : 4);
        string teacherPath = DistillStep.TeacherPath(ctx.Options);
        var dir = Directory.CreateTempSubdirectory("rc-verify-").FullName;
        var file = Path.Combine(dir, "distill-step.safetensors");
        var (tf32Matmul, tf32Conv) = (Tf32.Matmul, Tf32.Convolution);
        JsonObject py;
        try
        {
            Tf32.Set(false, false);
            WriteCSharpResults(file, device, teacherPath, batch);
            var args = new List<string> { "--teacher", teacherPath, "--device", device.ToString(), "--threads", I(ctx.Options.Threads ?? Environment.ProcessorCount),
                                          "--tf32", "0", "--verify", file };
            Console.Error.WriteLine($"[distill-step --verify] C# results for a batch of {batch} written; running the PyTorch reference on them ...");
            py = PythonReference.Run(ctx.PythonPath, PythonReference.FindScript("distill_step.py"), args, TimeSpan.FromMinutes(10));
        }
        finally
        {
            Tf32.Set(tf32Matmul, tf32Conv);
            Directory.Delete(dir, true);
        }

        var checks = new JsonArray();
        int failed = 0;
        Console.Out.WriteLine($"\n== distill-step --verify: PyTorch reference model vs C# model, batch {batch}, float32, TF32 off, on {RunInfo.DeviceDescription(device)}");
        foreach (var (name, node) in py["verify"]!.AsObject())
        {
            double diff = node!["max_abs_diff"]!.GetValue<double>(), size = node["max_abs_value"]!.GetValue<double>();
            double limit = name == "grad_norm" ? Tolerance * Math.Max(1, size) : Tolerance;
            bool ok = diff <= limit;
            if (!ok) failed++;
            Console.Out.WriteLine($"  {(ok ? "ok  " : "FAIL")} {name,-13} max |PyTorch - C#| = {diff:E2} (limit {limit:E1}; largest |value| {size:0.####})");
            checks.Add(new JsonObject { ["name"] = name, ["max_abs_diff"] = diff, ["max_abs_value"] = size, ["limit"] = limit, ["passed"] = ok });
        }
        if (checks.Count < 6)
        {
            failed++;
            Console.Out.WriteLine($"  FAIL the reference compared only {checks.Count} of 6 results");
        }
        var json = ctx.Header("distill-step-verify");
        json["libtorch_python"] = py["torch_version"]?.DeepClone();
        json["batch"] = batch;
        json["tolerance"] = Tolerance;
        json["checks"] = checks;
        json["passed"] = failed == 0;
        json["python_reference"] = py;
        var path = ctx.Options.Out ?? ctx.DefaultOut("distill-step-verify");
        RandCond.Experiments.ResultFiles.Write(path, json);
        Console.Out.WriteLine($"{(failed == 0 ? "PASSED" : $"FAILED ({failed})")}\n  -> {Path.GetFullPath(path)}");
        return failed == 0 ? 0 : 1;
    }

    private static void WriteCSharpResults(string file, Device device, string teacherPath, int batch)
    {
        using var setup = new DistillStep.Setup(device, teacherPath, PerfConfig.Parse("fp32"));
        using var scope = Torch.NewDisposeScope();
        var (xt, t, tokens) = DistillStep.RandomBatch(batch, ((RandCond.Diffusion.Text.TextEncoderConfig)setup.Teacher.Text.Config).VocabSize, device, 7);
        using var _xt = xt;
        using var _t = t;
        using var _tokens = tokens;
        var forward = setup.Step.Forward(xt, t, tokens);
        var norm = setup.Step.Update(forward.Terms, 0);
        static Tensor Row(Tensor x) => x.Detach().Float().Reshape(1).Cpu();
        Safetensors.Save(file, new Dictionary<string, Tensor>
        {
            ["xt"] = xt.Cpu(), ["t"] = t.Cpu(), ["tokens"] = tokens.Cpu(),
            ["teacher_eps"] = forward.TeacherEps.Detach().Cpu(), ["student_eps"] = forward.StudentEps.Detach().Cpu(),
            ["loss_total"] = Row(forward.Terms.Total), ["loss_output"] = Row(forward.Terms.Output),
            ["loss_feature"] = Row(forward.Terms.Feature), ["grad_norm"] = Row(norm),
        }, new Dictionary<string, string> { ["batch"] = batch.ToString(CultureInfo.InvariantCulture) });
    }
}
