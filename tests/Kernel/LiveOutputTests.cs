using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace RandCond.Tests.Kernel;

/// <summary>Outputs reach a Jupyter client while the cell runs, driven by Debian's jupyter_client.</summary>
public class LiveOutputTests(ITestOutputHelper log)
{
    [Fact]
    public void Three_lines_printed_one_second_apart_arrive_as_three_stream_messages_before_the_execute_reply()
    {
        using var sandbox = new KernelSandbox();

        var (result, _) = KernelScenario.Run(sandbox, "streaming");

        var arrivals = result["arrivals"]!.AsArray().Select(a => a!.AsObject()).ToList();
        foreach (var a in arrivals) log.WriteLine($"{(double)a["seconds"]!,7:0.000} s  {a["type"]}  {a["content"]!.ToJsonString()}");
        var streams = arrivals.Where(a => (string?)a["type"] == "stream").ToList();
        Assert.Equal(["line 1\n", "line 2\n", "line 3\n"], streams.Select(s => (string?)s["content"]!["text"]));
        var reply = arrivals.Single(a => (string?)a["type"] == "execute_reply");
        Assert.Equal("ok", (string?)reply["content"]!["status"]);
        Assert.Equal(arrivals.Count - 1, arrivals.IndexOf(reply)); // every stream message came first
        var times = streams.Select(s => (double)s["seconds"]!).Append((double)reply["seconds"]!).ToList();
        for (var i = 1; i < times.Count; i++)
        {
            // 1 s apart, give or take the 0.2 s flush interval and a loaded machine; not all at the end.
            var gap = times[i] - times[i - 1];
            Assert.True(gap is > 0.5 and < 2.5, $"arrival {i} came {gap:0.000} s after the previous one: {string.Join(", ", times)}");
        }
    }

    [Fact]
    public void A_display_handle_sends_update_display_data_with_the_display_id()
    {
        using var sandbox = new KernelSandbox();

        var (result, _) = KernelScenario.Run(sandbox, "display");

        Assert.Equal("ok", (string?)result["reply"]!["status"]);
        var outputs = result["outputs"]!.AsArray().Select(o => o!.AsObject()).Where(o => (string?)o["type"] != "execute_input").ToList();
        Assert.Equal(["display_data", "update_display_data", "update_display_data"], outputs.Select(o => (string?)o["type"]));
        var ids = outputs.Select(o => (string?)o["content"]!["transient"]!["display_id"]).ToList();
        Assert.False(string.IsNullOrEmpty(ids[0]));
        Assert.All(ids, id => Assert.Equal(ids[0], id));
        Assert.Equal(["first", "second", "third"], outputs.Select(o => (string?)o["content"]!["data"]!["text/plain"]));
    }
}

internal static class KernelScenario
{
    public static (JsonObject Result, ProcessResult Process) Run(KernelSandbox sandbox, params string[] args) =>
        Run(sandbox, TimeSpan.FromSeconds(90), args);

    public static (JsonObject Result, ProcessResult Process) Run(KernelSandbox sandbox, TimeSpan timeout, params string[] args)
    {
        var script = Path.Combine(KernelSandbox.TestsFolder, "kernel_client_checks.py");
        var process = sandbox.RunProcess(KernelSandbox.Python, [script, .. args], timeout);
        Assert.True(process.ExitCode == 0, process.ToString());
        return (process.Json(), process);
    }
}
