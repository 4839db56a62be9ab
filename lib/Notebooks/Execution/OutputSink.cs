using System.Diagnostics;
using System.Text;

namespace RandCond.Notebooks.Execution;

/// <summary>
/// Collects one cell's outputs in order; consecutive writes to the same stream merge into one output. With a live
/// listener it also forwards outputs while the cell runs: displays and results at once, stream text in chunks at
/// most <see cref="StreamFlushInterval"/> old (a kernel sends each chunk as a stream message).
/// </summary>
internal sealed class OutputSink
{
    public static readonly TimeSpan StreamFlushInterval = TimeSpan.FromMilliseconds(200);

    // Stream text accumulates in a builder (cells may write many small pieces) and becomes a StreamOutput on Close.
    private readonly List<object> _items = [];
    private readonly object _lock = new();
    private readonly Action<CellOutput>? _live;
    private readonly Timer? _flushTimer;
    private readonly Stopwatch _sinceFlush = Stopwatch.StartNew();
    private PendingStream? _unsent; // stream text the live listener has not seen yet
    private bool _flushArmed;
    private volatile bool _closed;

    /// <param name="live">
    /// Called, under this sink's lock and in output order, with each output as it happens: chunks of stream text,
    /// displays, <see cref="DisplayUpdateOutput"/>s, the result and the error. It must be quick (queue, not send).
    /// </param>
    public OutputSink(Action<CellOutput>? live = null)
    {
        _live = live;
        if (live is not null) _flushTimer = new Timer(_ => { lock (_lock) { _flushArmed = false; FlushLive(); } });
    }

    public bool IsClosed => _closed;

    public void WriteStream(string name, string text)
    {
        if (text.Length == 0) return;
        lock (_lock)
        {
            if (_items.Count > 0 && _items[^1] is PendingStream last && last.Name == name)
                last.Text.Append(text);
            else
                _items.Add(new PendingStream(name, new StringBuilder(text)));
            if (_live is null || _closed) return;

            if (_unsent is not null && _unsent.Name != name) FlushLive();
            (_unsent ??= new PendingStream(name, new StringBuilder())).Text.Append(text);
            // A writer that never pauses is flushed here; one that pauses is flushed by the timer.
            if (_sinceFlush.Elapsed >= StreamFlushInterval) FlushLive();
            else if (!_flushArmed)
            {
                _flushArmed = true;
                _flushTimer!.Change(StreamFlushInterval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Add(CellOutput output)
    {
        lock (_lock)
        {
            FlushLive();
            _items.Add(output);
            if (!_closed) _live?.Invoke(output);
        }
    }

    /// <summary>
    /// Replaces the content of this cell's display <paramref name="displayId"/> (in place, so a written notebook holds the
    /// latest) and tells the live listener; false when this cell has no such display or has ended.
    /// </summary>
    public bool UpdateDisplay(string displayId, IReadOnlyDictionary<string, string> data)
    {
        lock (_lock)
        {
            if (_closed) return false;
            var index = _items.FindLastIndex(i => i is DisplayDataOutput d && d.DisplayId == displayId);
            if (index < 0) return false;
            _items[index] = ((DisplayDataOutput)_items[index]) with { Data = data };
            FlushLive();
            _live?.Invoke(new DisplayUpdateOutput(displayId, data));
            return true;
        }
    }

    /// <summary>Tells the live listener of an update to a display an earlier cell showed (the front end holds it).</summary>
    public void ForwardUpdate(string displayId, IReadOnlyDictionary<string, string> data)
    {
        lock (_lock)
        {
            if (_closed) return;
            FlushLive();
            _live?.Invoke(new DisplayUpdateOutput(displayId, data));
        }
    }

    /// <summary>Stops collecting; later writes (from a cell's leftover background work) go to the real console.</summary>
    public IReadOnlyList<CellOutput> Close()
    {
        lock (_lock)
        {
            FlushLive();
            _closed = true;
            _flushTimer?.Dispose();
            return _items.Select(i => i is PendingStream s ? new StreamOutput(s.Name, s.Text.ToString()) : (CellOutput)i).ToList();
        }
    }

    // Caller holds _lock.
    private void FlushLive()
    {
        _sinceFlush.Restart();
        if (_unsent is null || _closed) return;
        var chunk = new StreamOutput(_unsent.Name, _unsent.Text.ToString());
        _unsent = null;
        _live!.Invoke(chunk);
    }

    private sealed record PendingStream(string Name, StringBuilder Text);
}
