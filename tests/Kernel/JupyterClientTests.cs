using System.Text.Json.Nodes;
using Xunit;

namespace RandCond.Tests.Kernel;

/// <summary>The kernel driven by Debian's jupyter_client through tests/Kernel/kernel_client_checks.py.</summary>
public class JupyterClientTests
{
    private static (JsonObject Result, ProcessResult Process) RunScenario(KernelSandbox sandbox, params string[] args)
    {
        var script = Path.Combine(KernelSandbox.TestsFolder, "kernel_client_checks.py");
        var process = sandbox.RunProcess(KernelSandbox.Python, [script, .. args], TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, process.ToString());
        return (process.Json(), process);
    }

    [Fact]
    public void Messages_with_a_wrong_or_missing_signature_are_dropped_and_signed_ones_still_run()
    {
        using var sandbox = new KernelSandbox();
        var marker = sandbox.Combine("forged-ran.txt");

        var (result, process) = RunScenario(sandbox, "forged", marker);

        Assert.False((bool)result["marker_exists"]!, "a forged execute_request was executed");
        Assert.False((bool)result["forged_answered"]!, "the kernel replied to a forged request");
        Assert.Contains("dropped a message on shell: wrong signature", process.Stderr);
        Assert.Contains("dropped a message on shell: missing signature", process.Stderr);
        Assert.Equal("ok", (string?)result["signed_reply"]!["status"]);
        var value = result["signed_outputs"]!.AsArray().Single(o => (string?)o!["type"] == "execute_result");
        Assert.Equal("42", (string?)value!["content"]!["data"]!["text/plain"]);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Interrupt_stops_a_busy_loop_and_a_long_sleep_and_the_kernel_runs_the_next_cell()
    {
        using var sandbox = new KernelSandbox();

        var (result, _) = RunScenario(sandbox, "interrupt");

        foreach (var cell in result["interrupted"]!.AsArray())
        {
            var reply = cell!["reply"]!;
            Assert.Equal("error", (string?)reply["status"]);
            Assert.Equal("KeyboardInterrupt", (string?)reply["ename"]);
            Assert.Contains(cell["outputs"]!.AsArray(), o => (string?)o!["type"] == "error"
                && (string?)o["content"]!["ename"] == "KeyboardInterrupt");
            Assert.True((double)cell["seconds"]! < 5, $"interrupting '{cell["code"]}' took {cell["seconds"]} s");
        }
        Assert.Equal("ok", (string?)result["next_reply"]!["status"]);
        var value = result["next_outputs"]!.AsArray().Single(o => (string?)o!["type"] == "execute_result");
        Assert.Equal("42", (string?)value!["content"]!["data"]!["text/plain"]);
    }

    [Fact]
    public void A_compile_error_comes_back_as_an_error_with_the_diagnostics_and_the_kernel_keeps_working_silent_cells_show_nothing()
    {
        using var sandbox = new KernelSandbox();

        var (result, _) = RunScenario(sandbox, "compile-error");

        var badReply = result["bad_reply"]!;
        Assert.Equal("error", (string?)badReply["status"]);
        Assert.Equal("CompilationError", (string?)badReply["ename"]);
        var error = result["bad_outputs"]!.AsArray().Single(o => (string?)o!["type"] == "error")!["content"]!;
        Assert.Equal("CompilationError", (string?)error["ename"]);
        Assert.Contains(error["traceback"]!.AsArray(), line => ((string?)line)!.Contains("error CS0029"));

        // A silent cell runs (its variable is used next) but shows nothing and does not count.
        Assert.Empty(result["silent_outputs"]!.AsArray());
        Assert.Equal(1, (int)result["silent_reply"]!["execution_count"]!);

        Assert.Equal("ok", (string?)result["next_reply"]!["status"]);
        Assert.Equal(2, (int)result["next_reply"]!["execution_count"]!);
        var value = result["next_outputs"]!.AsArray().Single(o => (string?)o!["type"] == "execute_result");
        Assert.Equal("42", (string?)value!["content"]!["data"]!["text/plain"]);
    }

    [Fact]
    public void A_kernel_whose_client_died_without_shutting_it_down_exits_by_itself()
    {
        using var sandbox = new KernelSandbox();

        var (result, _) = RunScenario(sandbox, "orphan");

        var pid = (int)result["kernel_pid"]!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (IsRunning(pid) && DateTime.UtcNow < deadline) Thread.Sleep(100);
        var alive = IsRunning(pid);
        if (alive) System.Diagnostics.Process.GetProcessById(pid).Kill(); // leave no kernel behind

        Assert.False(alive, $"kernel {pid} still runs 10 s after its parent exited");
    }

    // From /proc: an exited kernel nobody has reaped yet is a zombie (state Z), not running.
    private static bool IsRunning(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Trim()[0] != 'Z'; }
        catch (IOException) { return false; }
    }
}
