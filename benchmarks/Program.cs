using System.Text.Json.Nodes;
using RandCond.Benchmarks;
using RandCond.Experiments;
using RandCond.Tensors;

// randcond-bench: RandCond against a PyTorch reference run in the same invocation (see README.md).
Options options;
try
{
    options = Options.Parse(args);
}
catch (UsageException e)
{
    if (e.Message.Length > 0) Console.Error.WriteLine($"randcond-bench: {e.Message}\n");
    (e.Message.Length > 0 ? Console.Error : Console.Out).WriteLine(Options.Usage);
    return e.Message.Length > 0 ? 2 : 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"randcond-bench: {CommandFailure.Line(e)}");
    return CommandFailure.ExitCode(e);
}

try
{
    var device = Device.Parse(options.Device);
    if (device.IsCuda && !Cuda.IsAvailable)
        throw new BenchmarkException(Cuda.IsBuiltWithCuda
            ? "--device cuda: the native shim has CUDA, but no GPU is visible (check nvidia-smi and CUDA_VISIBLE_DEVICES)."
            : "--device cuda: the native shim was built against a CPU-only libtorch. Rebuild it against a CUDA libtorch " +
              "(see scripts/gpu) and point RANDCOND_NATIVE at it.");
    var ctx = new RunContext { Options = options, PythonPath = PythonReference.ResolvePython(options.Python), Device = device };
    Console.Error.WriteLine($"randcond-bench {options.Verb} on {RunInfo.DeviceDescription(device)}; libtorch {Torch.Version} (C#), " +
                            $"reference {ctx.PythonPath}; commit {ctx.Commit}{(options.Quick ? "; QUICK (smoke test, not a measurement)" : "")}");

    if (options.Verb == "device-check") return DeviceCheck.Run(ctx);
    if (options.Verb == "distill-step" && options.Verify) return DistillVerify.Run(ctx);
    var benchmarks = options.Verb switch
    {
        "op-overhead" => new Func<RunContext, BenchmarkResult>[] { OpOverhead.Run },
        "convnet-step" => [ConvnetStep.Run],
        "distill-step" => [DistillStep.Run],
        "sample" => [Sample.Run],
        "norm-kernels" => [NormKernels.Run],
        _ => [OpOverhead.Run, ConvnetStep.Run],
    };
    var results = new List<BenchmarkResult>();
    foreach (var run in benchmarks)
    {
        var result = run(ctx);
        result.Print(Console.Out);
        results.Add(result);
        if (options.Verb != "all" || options.Out is null)
        {
            var path = options.Verb == "all" || options.Out is null ? ctx.DefaultOut(result.Name) : options.Out;
            ResultFiles.Write(path, result.ToJson(ctx));
            Console.Out.WriteLine($"  -> {Path.GetFullPath(path)}");
        }
    }
    if (options.Verb == "all" && options.Out is not null)
    {
        var combined = ctx.Header("all");
        combined["benchmarks"] = new JsonArray(results.Select(r => (JsonNode)r.ToJson(ctx)).ToArray());
        combined["libtorch_python"] = results.Select(r => r.Python["torch_version"]?.GetValue<string>()).FirstOrDefault(v => v is not null);
        ResultFiles.Write(options.Out, combined);
        Console.Out.WriteLine($"\n  -> {Path.GetFullPath(options.Out)}");
    }
    return 0;
}
catch (UsageException e)
{
    // Options that parse but do not fit the verb or this build (bf16w for training, --profile without Kineto).
    Console.Error.WriteLine($"randcond-bench: {e.Message}");
    return 2;
}
catch (BenchmarkException e)
{
    Console.Error.WriteLine($"randcond-bench: error: {e.Message}");
    return 1;
}
catch (DllNotFoundException e)
{
    Console.Error.WriteLine($"randcond-bench: error: {e.Message}");
    return 1;
}
catch (TorchException e)
{
    Console.Error.WriteLine($"randcond-bench: libtorch error: {e.Message}");
    return 1;
}
catch (Exception e)
{
    // Anything else (a malformed reference output, a file that cannot be written): one line, never an abort.
    Console.Error.WriteLine($"randcond-bench: {CommandFailure.Line(e)}");
    return CommandFailure.ExitCode(e);
}
