namespace RandCond.Notebooks.Execution;

/// <summary>Collects one cell's outputs in order; consecutive writes to the same stream merge into one output.</summary>
internal sealed class OutputSink
{
    private readonly List<CellOutput> _outputs = [];
    private readonly object _lock = new();
    private volatile bool _closed;

    public bool IsClosed => _closed;

    public void WriteStream(string name, string text)
    {
        if (text.Length == 0) return;
        lock (_lock)
        {
            if (_outputs.Count > 0 && _outputs[^1] is StreamOutput last && last.Name == name)
                _outputs[^1] = last with { Text = last.Text + text };
            else
                _outputs.Add(new StreamOutput(name, text));
        }
    }

    public void Add(CellOutput output)
    {
        lock (_lock) _outputs.Add(output);
    }

    /// <summary>Stops collecting; later writes (from a cell's leftover background work) go to the real console.</summary>
    public IReadOnlyList<CellOutput> Close()
    {
        lock (_lock)
        {
            _closed = true;
            return _outputs.ToList();
        }
    }
}
