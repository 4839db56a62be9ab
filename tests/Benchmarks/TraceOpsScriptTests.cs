using System.Diagnostics;
using System.Text.Json.Nodes;

namespace RandCond.Tests.Benchmarks;

/// <summary>
/// benchmarks/python/trace_ops.py on a small Chrome trace: a kernel belongs to the outermost operator whose span holds its
/// launch, a backward operator's row names its forward operator's inputs, and --grid keeps launch grids apart.
/// </summary>
public class TraceOpsScriptTests
{
    private static JsonObject Op(string name, int tid, double ts, double dur, int seq, string? dims = null)
    {
        var args = new JsonObject { ["Sequence number"] = seq };
        if (dims is not null) args["Input Dims"] = JsonNode.Parse(dims);
        return new JsonObject { ["ph"] = "X", ["cat"] = "cpu_op", ["name"] = name, ["tid"] = tid, ["ts"] = ts, ["dur"] = dur, ["args"] = args };
    }

    private static IEnumerable<JsonObject> Launch(int correlation, int tid, double ts, string kernel, double dur, int grid) =>
    [
        new JsonObject { ["ph"] = "X", ["cat"] = "cuda_runtime", ["name"] = "cudaLaunchKernel", ["tid"] = tid, ["ts"] = ts, ["dur"] = 1.0,
                         ["args"] = new JsonObject { ["correlation"] = correlation } },
        new JsonObject { ["ph"] = "X", ["cat"] = "kernel", ["name"] = kernel, ["ts"] = ts + 50, ["dur"] = dur,
                         ["args"] = new JsonObject { ["correlation"] = correlation, ["grid"] = new JsonArray(grid, 1, 1) } },
    ];

    private static string Run(string trace, params string[] extra)
    {
        // The benchmarks' python/ folder is copied next to the tests; the script needs only the standard library.
        var script = Path.Combine(AppContext.BaseDirectory, "python", "trace_ops.py");
        Assert.True(File.Exists(script), $"{script} is missing: the benchmarks project copies python/ into its output");
        var start = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(trace);
        foreach (var a in extra) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"trace_ops.py failed ({p.ExitCode}): {stderr}");
        return stdout;
    }

    [Fact]
    public void Kernels_go_to_the_outermost_operator_and_backward_rows_name_forward_inputs()
    {
        var events = new JsonArray();
        // Thread 2, written first: the backward of sequence number 7, and inside it the node's own event, which carries
        // the same number with the gradient as its input (not what the row should name).
        events.Add(Op("autograd::engine::evaluate_function: ConvolutionBackward0", 2, 300, 40, 7));
        events.Add(Op("ConvolutionBackward0", 2, 302, 36, 7, "[[2, 5]]"));
        // Thread 1: conv2d [0, 100) holding an inner operator [10, 90); add [200, 220); a launch outside every operator.
        events.Add(Op("aten::conv2d", 1, 0, 100, 7, "[[2, 3]]"));
        events.Add(Op("aten::_convolution", 1, 10, 80, 7, "[[2, 3]]"));
        events.Add(Op("aten::add", 1, 200, 20, 8, "[[4]]"));
        foreach (var e in Launch(1, 1, 20, "conv_kernel", 30, grid: 4)
                     .Concat(Launch(2, 1, 50, "conv_kernel", 10, grid: 8))
                     .Concat(Launch(3, 1, 205, "add_kernel", 5, grid: 1))
                     .Concat(Launch(4, 1, 150, "stray_kernel", 2, grid: 1))
                     .Concat(Launch(5, 2, 310, "dgrad_kernel", 20, grid: 2)))
            events.Add(e);
        var path = Path.Combine(Path.GetTempPath(), $"trace-ops-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, new JsonObject { ["traceEvents"] = events }.ToJsonString());
        try
        {
            var rows = Run(path, "--top", "20");
            Assert.StartsWith("67.0 us of kernels per call in 5 launches", rows);
            Assert.Contains("40.0 us    2.0x  aten::conv2d  conv_kernel", rows);
            Assert.DoesNotContain("aten::_convolution", rows);
            Assert.Contains("20.0 us    1.0x  autograd::engine::evaluate_function: ConvolutionBackward0  dgrad_kernel\n" +
                            new string(' ', 28) + "fwd aten::conv2d [[2, 3]]", rows);
            Assert.Contains("(no operator)  stray_kernel", rows);

            var byGrid = Run(path, "--top", "20", "--grid");
            Assert.Contains("30.0 us    1.0x  aten::conv2d  conv_kernel grid [4, 1, 1]", byGrid);
            Assert.Contains("10.0 us    1.0x  aten::conv2d  conv_kernel grid [8, 1, 1]", byGrid);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
