using System.Text;

namespace RandCond.Notebooks.Execution;

/// <summary>Collects one cell's outputs in order; consecutive writes to the same stream merge into one output.</summary>
internal sealed class OutputSink
{
    // Stream text accumulates in a builder (cells may write many small pieces) and becomes a StreamOutput on Close.
    private readonly List<object> _items = [];
    private readonly object _lock = new();
    private volatile bool _closed;

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
        }
    }

    public void Add(CellOutput output)
    {
        lock (_lock) _items.Add(output);
    }

    /// <summary>Stops collecting; later writes (from a cell's leftover background work) go to the real console.</summary>
    public IReadOnlyList<CellOutput> Close()
    {
        lock (_lock)
        {
            _closed = true;
            return _items.Select(i => i is PendingStream s ? new StreamOutput(s.Name, s.Text.ToString()) : (CellOutput)i).ToList();
        }
    }

    private sealed record PendingStream(string Name, StringBuilder Text);
}
