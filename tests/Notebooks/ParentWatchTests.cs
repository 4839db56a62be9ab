using System.Diagnostics;
using RandCond.Notebooks.Running;

namespace RandCond.Tests.Notebooks;

public sealed class ParentWatchTests
{
    [Fact]
    public void The_watch_fires_once_when_the_parent_id_changes_and_not_before()
    {
        int parent = 100, fired = 0;
        using var watch = new ParentWatch(() => Volatile.Read(ref parent), () => Interlocked.Increment(ref fired), TimeSpan.FromMilliseconds(10));
        Thread.Sleep(100);
        Assert.Equal(0, Volatile.Read(ref fired));
        Volatile.Write(ref parent, 1);
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref fired) == 0 && clock.Elapsed < TimeSpan.FromSeconds(5)) Thread.Sleep(10);
        Thread.Sleep(100);
        Assert.Equal(1, Volatile.Read(ref fired));
    }

    [Fact]
    public void A_worker_whose_runner_dies_stops_instead_of_running_on()
    {
        // A shell stands in for the runner: it starts the worker (stdin left open, so the worker waits for its request),
        // prints its pid, and exits after a few seconds without stopping it.
        string worker = Path.Combine(AppContext.BaseDirectory, "randcond.dll");
        Assert.True(File.Exists(worker), $"{worker} is missing: the tests build it beside themselves");
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"sleep 60 | dotnet exec '{worker}' {NotebookWorker.Verb} 2>/dev/null & echo $!; sleep 5");
        using var shell = Process.Start(start)!;
        int pid = int.Parse(shell.StandardOutput.ReadLine()!);
        Thread.Sleep(2_000);
        Assert.True(IsAlive(pid), "the worker did not start (or ended) while its runner was alive");
        Assert.True(shell.WaitForExit(30_000), "the stand-in runner did not end");
        var clock = Stopwatch.StartNew();
        while (IsAlive(pid) && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(100);
        bool alive = IsAlive(pid);
        if (alive) Process.GetProcessById(pid).Kill();
        Assert.False(alive, "the worker was still running 20 s after its runner ended");
    }

    /// <summary>Whether the process runs: /proc/PID/stat exists and its state is not Z (exited, not yet reaped by its new parent).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException) { return false; }
    }
}
