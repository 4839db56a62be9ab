using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using RandCond.Kernel.Code;
using RandCond.Kernel.Protocol;
using RandCond.Kernel.Zmq;
using RandCond.Notebooks.Execution;

namespace RandCond.Kernel;

/// <summary>
/// A Jupyter kernel for C# cells (messaging protocol 5.3) over the five zmq channels of a connection file.
/// One thread owns the shell, control and iopub sockets; the heartbeat echoes on its own thread; cells run on
/// the executor's worker while control stays served, so interrupt and shutdown work during a long cell. A running
/// cell's outputs are queued by the executor and published by the socket thread as they come (stream text at least
/// every 0.2 s). Every well-formed signed request gets a reply, an error reply when its content is malformed; messages
/// with bad framing, a bad or replayed signature, or a header without a string msg_type are dropped and logged.
/// </summary>
public sealed class JupyterKernel : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private readonly KernelSockets _sockets;
    private readonly MessageSigner _signer;
    private readonly CellExecutor _executor;
    private readonly CodeIntelligence _intelligence;
    private readonly TextWriter _log;
    private readonly KernelOptions _options;
    private readonly string _session = Guid.NewGuid().ToString("N");
    private volatile bool _stopping;
    private int _executionCount;
    private volatile RunningCell? _running;
    private readonly ConcurrentQueue<CellOutput> _liveOutputs = new();
    private readonly SignatureHistory _signatures = new();

    public JupyterKernel(ConnectionInfo connection, KernelOptions? options = null)
    {
        _options = options ?? new KernelOptions();
        _log = _options.Log ?? new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
        _signer = new MessageSigner(connection.Key);
        _executor = new CellExecutor(new CellExecutorOptions { BaseDirectory = _options.BaseDirectory });
        _intelligence = new CodeIntelligence(_options.BaseDirectory);
        _sockets = new KernelSockets(connection);
        if (!_signer.Enabled) Log("warning: the connection file has an empty key; messages are not signed");
    }

    /// <summary>Serves requests until a shutdown_request, <see cref="Stop"/>, or the parent process dying.</summary>
    public void Run()
    {
        var heartbeat = new Thread(Heartbeat) { IsBackground = true, Name = "jupyter heartbeat" };
        heartbeat.Start();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true; // SIGINT interrupts the cell, as in other kernels, instead of ending the process
            Interrupt();
        });
        var parent = _options.ExitWithParent ? new ParentProcess() : null;
        var lastParentCheck = Environment.TickCount64;
        try
        {
            while (!_stopping)
            {
                if (_running is { } running) PublishLiveOutputs(running);
                if (_running is { Task.IsCompleted: true } done) FinishCell(done);
                var readable = ZmqSocket.Poll(_running is null ? [_sockets.Control, _sockets.Shell] : [_sockets.Control], PollInterval);
                if (readable[0]) Receive(_sockets.Control, "control");
                if (readable.Length > 1 && readable[1] && !_stopping) Receive(_sockets.Shell, "shell");
                if (parent is not null && Environment.TickCount64 - lastParentCheck > 1000)
                {
                    lastParentCheck = Environment.TickCount64;
                    if (parent.IsGone)
                    {
                        Log("the process that started the kernel has exited; stopping");
                        _stopping = true;
                    }
                }
            }
        }
        finally
        {
            _stopping = true;
            Interrupt();
            heartbeat.Join();
        }
    }

    public void Stop() => _stopping = true;

    private void Receive(ZmqSocket socket, string channel)
    {
        var frames = socket.ReceiveMultipart();
        JupyterMessage request;
        try
        {
            request = JupyterMessage.FromFrames(frames, _signer);
            if (!_signatures.Add(request.Signature)) throw new InvalidMessageException("replayed signature");
        }
        catch (InvalidMessageException e)
        {
            Log($"dropped a message on {channel}: {e.Message}");
            return;
        }
        try
        {
            Handle(socket, channel, request);
        }
        catch (BadRequestException e)
        {
            Log($"error reply to {request.MsgType} on {channel}: {e.Message}");
            ReplyError(socket, request, e.Message);
        }
        catch (Exception e) when (e is not ZmqException)
        {
            Log($"error handling {request.MsgType} on {channel}: {e}");
            ReplyError(socket, request, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private void Handle(ZmqSocket socket, string channel, JupyterMessage request)
    {
        var content = new RequestContent(request.Content);
        switch (request.MsgType)
        {
            case "execute_request" when channel == "shell":
                StartCell(request, content);
                return;
            case "interrupt_request":
                Interrupt();
                Reply(socket, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                return;
            case "shutdown_request":
                // Restart or not, this process ends: a client restarting the kernel starts a new one.
                var restart = content.Bool("restart", false);
                Reply(socket, request, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
                _stopping = true;
                return;
        }

        JsonObject? reply = request.MsgType switch
        {
            "kernel_info_request" => KernelInfo.Content(),
            "is_complete_request" => IsComplete(content),
            "complete_request" => Complete(content),
            "inspect_request" => Inspect(content),
            "comm_info_request" => CommInfo(content),
            "history_request" => History(content),
            _ when request.MsgType.EndsWith("_request", StringComparison.Ordinal) =>
                throw new BadRequestException($"{request.MsgType} is not supported on the {channel} channel"),
            _ => null,
        };
        if (reply is null)
        {
            Log($"ignored {request.MsgType} on {channel}: not a request");
            return;
        }
        Publish(request, "status", new JsonObject { ["execution_state"] = "busy" });
        Reply(socket, request, ReplyType(request), reply);
        Publish(request, "status", new JsonObject { ["execution_state"] = "idle" });
    }

    /// <summary>An error reply (status "error", ename, evalue, traceback), with busy/idle around it as for any request.</summary>
    private void ReplyError(ZmqSocket socket, JupyterMessage request, string message)
    {
        if (!request.MsgType.EndsWith("_request", StringComparison.Ordinal)) return;
        var reply = new JsonObject
        {
            ["status"] = "error", ["ename"] = "BadRequest", ["evalue"] = message,
            ["traceback"] = new JsonArray($"BadRequest: {message}"),
        };
        if (request.MsgType == "execute_request") reply["execution_count"] = _executionCount;
        Publish(request, "status", new JsonObject { ["execution_state"] = "busy" });
        Reply(socket, request, ReplyType(request), reply);
        Publish(request, "status", new JsonObject { ["execution_state"] = "idle" });
    }

    private static string ReplyType(JupyterMessage request) => request.MsgType[..^"_request".Length] + "_reply";

    private void StartCell(JupyterMessage request, RequestContent content)
    {
        var code = content.String("code");
        var silent = content.Bool("silent", false);
        var storeHistory = content.Bool("store_history", true) && !silent;
        // Read, though unused, so that a request of the wrong shape gets an error reply rather than running.
        content.Bool("allow_stdin", false);
        content.Bool("stop_on_error", true);
        content.StringMap("user_expressions");
        if (storeHistory) _executionCount++;
        var count = _executionCount;

        Publish(request, "status", new JsonObject { ["execution_state"] = "busy" });
        if (!silent) Publish(request, "execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count });
        var interrupt = new CancellationTokenSource();
        // Errors are held back for the end, where an interrupted cell's error becomes KeyboardInterrupt.
        Action<CellOutput>? live = silent ? null : output => { if (output is not ErrorOutput) _liveOutputs.Enqueue(output); };
        var task = Task.Run(() => _executor.ExecuteAsync(code, interrupt.Token, live));
        _running = new RunningCell(request, code, count, silent, interrupt, task);
    }

    private void FinishCell(RunningCell cell)
    {
        // Everything but the error went out live while the cell ran; the sink was closed before the task completed.
        PublishLiveOutputs(cell);
        _running = null;
        cell.Interrupt.Dispose();
        var request = cell.Request;
        CellResult result;
        try
        {
            result = cell.Task.GetAwaiter().GetResult();
        }
        catch (Exception e) // the executor itself failed; report it as the cell's error and keep serving
        {
            Log($"the executor failed: {e}");
            result = new CellResult(CellStatus.RuntimeError, [new ErrorOutput(e.GetType().FullName!, e.Message, [e.ToString()])], TimeSpan.Zero);
        }
        if (result.Status is CellStatus.Ok or CellStatus.RuntimeError) _intelligence.Accept(cell.Code);

        var outputs = result.Status == CellStatus.Cancelled
            ? result.Outputs.Where(o => o is not ErrorOutput).Append(OutputMessages.Interrupted()).ToList()
            : result.Outputs;
        if (!cell.Silent && outputs.OfType<ErrorOutput>().LastOrDefault() is { } shown)
        {
            var (msgType, content) = OutputMessages.From(shown, cell.ExecutionCount);
            Publish(request, msgType, content);
        }

        var reply = new JsonObject { ["execution_count"] = cell.ExecutionCount };
        if (outputs.OfType<ErrorOutput>().LastOrDefault() is { } error && !result.Succeeded)
        {
            reply["status"] = "error";
            foreach (var (key, value) in OutputMessages.Error(error)) reply[key] = value?.DeepClone();
        }
        else
        {
            reply["status"] = "ok";
            reply["payload"] = new JsonArray();
            reply["user_expressions"] = new JsonObject();
        }
        Reply(_sockets.Shell, request, "execute_reply", reply);
        Publish(request, "status", new JsonObject { ["execution_state"] = "idle" });
    }

    private void PublishLiveOutputs(RunningCell cell)
    {
        while (_liveOutputs.TryDequeue(out var output))
        {
            var (msgType, content) = OutputMessages.From(output, cell.ExecutionCount);
            Publish(cell.Request, msgType, content);
        }
    }

    private void Interrupt()
    {
        try { _running?.Interrupt.Cancel(); }
        catch (ObjectDisposedException) { } // the cell finished meanwhile
    }

    private static JsonObject IsComplete(RequestContent content)
    {
        var status = CodeIntelligence.IsComplete(content.String("code"));
        var reply = new JsonObject { ["status"] = status };
        if (status == "incomplete") reply["indent"] = "";
        return reply;
    }

    private JsonObject Complete(RequestContent content)
    {
        var code = content.String("code");
        var cursor = CodePoints.ToUtf16Index(code, content.Count("cursor_pos", int.MaxValue));
        var result = _intelligence.Complete(code, cursor);
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray([.. result.Matches.Select(m => (JsonNode)m)]),
            ["cursor_start"] = CodePoints.FromUtf16Index(code, result.CursorStart),
            ["cursor_end"] = CodePoints.FromUtf16Index(code, result.CursorEnd),
            ["metadata"] = new JsonObject(),
        };
    }

    /// <summary>No comms and no history are kept; the request is still checked, so that a malformed one gets an error.</summary>
    private static JsonObject CommInfo(RequestContent content)
    {
        content.String("target_name", "");
        return new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() };
    }

    private static JsonObject History(RequestContent content)
    {
        content.OneOf("hist_access_type", "tail", "range", "tail", "search");
        return new JsonObject { ["status"] = "ok", ["history"] = new JsonArray() };
    }

    private JsonObject Inspect(RequestContent content)
    {
        var code = content.String("code");
        var cursor = CodePoints.ToUtf16Index(code, content.Count("cursor_pos", int.MaxValue));
        if (content.Count("detail_level", 0) > 1) throw new BadRequestException("content.detail_level must be 0 or 1");
        var text = _intelligence.Inspect(code, cursor);
        return new JsonObject
        {
            ["status"] = "ok",
            ["found"] = text is not null,
            ["data"] = text is null ? new JsonObject() : new JsonObject { ["text/plain"] = text },
            ["metadata"] = new JsonObject(),
        };
    }

    private void Reply(ZmqSocket socket, JupyterMessage request, string msgType, JsonObject content) =>
        socket.SendMultipart(JupyterMessage.Create(msgType, content, _session, request).ToFrames(_signer));

    private void Publish(JupyterMessage parent, string msgType, JsonObject content)
    {
        var topic = System.Text.Encoding.UTF8.GetBytes($"kernel.{_session}.{msgType}");
        _sockets.Iopub.SendMultipart(JupyterMessage.Create(msgType, content, _session, parent, [topic]).ToFrames(_signer));
    }

    private void Heartbeat()
    {
        var socket = _sockets.Heartbeat;
        while (!_stopping)
        {
            if (ZmqSocket.Poll([socket], TimeSpan.FromMilliseconds(100))[0])
                socket.SendMultipart(socket.ReceiveMultipart());
        }
    }

    private void Log(string message) => _log.WriteLine($"[randcond kernel] {message}");

    public void Dispose()
    {
        _sockets.Dispose();
        _executor.Dispose();
    }

    private sealed record RunningCell(
        JupyterMessage Request, string Code, int ExecutionCount, bool Silent, CancellationTokenSource Interrupt, Task<CellResult> Task);
}
