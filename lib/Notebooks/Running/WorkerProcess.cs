using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace RandCond.Notebooks.Running;

/// <summary>
/// The runner's end of one worker process: starts `randcond __notebook-worker` (the .NET host running randcond.dll),
/// sends the request, and hands out the worker's events one at a time. Its stderr is passed on to ours, and its
/// last lines are kept to explain a worker that died.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int StderrTailLines = 20;

    private readonly Process _process;
    private readonly Queue<string> _stderrTail = new();
    private readonly Task _stderrPump;
    private Task<JsonObject?>? _pendingRead;

    private WorkerProcess(Process process)
    {
        _process = process;
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <param name="commit">what the worker's records name as their commit (RANDCOND_COMMIT)</param>
    public static WorkerProcess Start(WorkerProtocol.Request request, string workerAssembly, string commit)
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        start.Environment["RANDCOND_COMMIT"] = commit;
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(workerAssembly);
        start.ArgumentList.Add(NotebookWorker.Verb);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start the notebook worker {workerAssembly}");
        var worker = new WorkerProcess(process);
        // Written from a task: a large request must not block us while the worker is still starting.
        _ = Task.Run(async () =>
        {
            try
            {
                await process.StandardInput.WriteAsync(WorkerProtocol.ToJson(request).ToJsonString()).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            // The worker died (or was stopped) before reading all of it; the reader reports its exit.
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        });
        return worker;
    }

    /// <summary>
    /// The next event, or null once the worker's stdout has ended. Cancellation stops the wait, not the read: the next
    /// call picks up the same pending read.
    /// </summary>
    public async Task<JsonObject?> NextEventAsync(CancellationToken cancellationToken)
    {
        _pendingRead ??= ReadEventAsync();
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        if (await Task.WhenAny(_pendingRead, cancelled).ConfigureAwait(false) != _pendingRead)
            throw new OperationCanceledException(cancellationToken);
        var message = await _pendingRead.ConfigureAwait(false);
        _pendingRead = null;
        return message;
    }

    private async Task<JsonObject?> ReadEventAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (WorkerProtocol.ParseEvent(line) is { } message) return message;
            Console.Error.WriteLine(line); // output that bypassed the cell capture, e.g. from native code
        }
        return null;
    }

    /// <summary>Waits for the worker to exit after its stdout ended; its exit code and last stderr lines.</summary>
    public async Task<(int ExitCode, string StderrTail)> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _stderrPump.ConfigureAwait(false);
        lock (_stderrTail) return (_process.ExitCode, string.Join("\n", _stderrTail));
    }

    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already exited
    }

    private async Task PumpStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            Console.Error.WriteLine(line);
            lock (_stderrTail)
            {
                _stderrTail.Enqueue(line);
                if (_stderrTail.Count > StderrTailLines) _stderrTail.Dequeue();
            }
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
