namespace RandCond.Training;

/// <summary>
/// A <see cref="ProgressLine"/> per label, made when first asked for and disposed together: the progress of several
/// pieces of work that run side by side or one after another in one cell, such as students that train together
/// (<c>bench.Run(arms, plan, arm => lines[arm.Name], arm => lines[$"{arm.Name} samples"])</c>). A line made on first use
/// times its own work, not the wait before it. Thread-safe.
/// </summary>
public sealed class ProgressLines(TextWriter? writer = null, ProgressLineStyle style = ProgressLineStyle.Auto) : IDisposable
{
    private readonly List<ProgressLine> _lines = [];
    private readonly Dictionary<string, ProgressLine> _byLabel = [];
    private ConsoleLine? _console;   // in a terminal the lines take turns on one console line
    private bool _disposed;

    /// <summary>The line of <paramref name="label"/>, made now if it is new.</summary>
    public ProgressLine this[string label]
    {
        get
        {
            lock (_lines)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_byLabel.TryGetValue(label, out var line))
                {
                    _console ??= new ConsoleLine(writer ?? Console.Out);
                    line = new ProgressLine(label, writer, style, _console);
                    _byLabel.Add(label, line);
                    _lines.Add(line);
                }
                return line;
            }
        }
    }

    /// <summary>The lines made so far, in the order they were first asked for.</summary>
    public IReadOnlyList<ProgressLine> Lines { get { lock (_lines) return _lines.ToList(); } }

    /// <summary>Ends every line (each draws what it has pending).</summary>
    public void Dispose()
    {
        lock (_lines)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var line in _lines) line.Dispose();
        }
    }
}
