using System.Diagnostics;
using System.Globalization;
using System.Text;
using RandCond.Notebooks.Execution;

namespace RandCond.Training;

/// <summary>How a <see cref="ProgressLine"/> shows itself.</summary>
public enum ProgressLineStyle
{
    /// <summary><see cref="Display"/> in a RandCond cell, <see cref="CarriageReturn"/> in a terminal or under .NET Interactive, else <see cref="Lines"/>.</summary>
    Auto,
    /// <summary>One display whose text is updated in place (a notebook keeps only the last).</summary>
    Display,
    /// <summary>One console line rewritten after '\r' (terminals, Jupyter front ends, nbconvert collapse it).</summary>
    CarriageReturn,
    /// <summary>A full line now and then (<see cref="ProgressLine.LinesInterval"/>), for logs and pipes.</summary>
    Lines,
}

/// <summary>
/// One live progress line for long work: <c>label [#####-----] 120/1000 (12%)  loss 0.0123  250 img/s  ETA 00:03:12</c>.
/// Pass it as the <c>progress</c> of a trainer, a distiller or image generation (their reports implement
/// <see cref="IProgressReport"/>). It redraws at most every <see cref="Interval"/>, always shows the last step, and a
/// report held back by that limit is drawn when the interval has passed. Thread-safe; dispose it when the work ends.
/// </summary>
public sealed class ProgressLine : IProgress<IProgressReport>, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan LinesInterval = TimeSpan.FromSeconds(10);
    private const int BarWidth = 20;

    private readonly string _label;
    private readonly ConsoleLine _console;   // where console styles write (its Writer), shared by the lines of a ProgressLines
    private readonly ProgressLineStyle _style;
    private readonly object _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer _pendingTimer;
    private DisplayHandle? _display;
    private TimeSpan? _lastDrawn;       // null until the first draw
    private ProgressSnapshot? _pending;
    private string _lastText = "";
    private bool _finished;

    /// <param name="label">Names the work on the line ("teacher", "D", "sampling").</param>
    /// <param name="writer">Where console styles write; <see cref="Console.Out"/> by default.</param>
    public ProgressLine(string label = "", TextWriter? writer = null, ProgressLineStyle style = ProgressLineStyle.Auto)
        : this(label, writer, style, console: null)
    {
    }

    /// <param name="console">The console line shared with other lines (<see cref="ProgressLines"/>); null: a line of its own.</param>
    internal ProgressLine(string label, TextWriter? writer, ProgressLineStyle style, ConsoleLine? console)
    {
        _label = label;
        _console = console ?? new ConsoleLine(writer ?? Console.Out);
        _style = style == ProgressLineStyle.Auto ? DetectStyle(writer) : style;
        _pendingTimer = new Timer(_ => { lock (_lock) DrawPending(); });
    }

    public ProgressLineStyle Style => _style;

    /// <summary>The text last drawn.</summary>
    public string Text { get { lock (_lock) return _lastText; } }

    public void Report(IProgressReport value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var snapshot = value.Snapshot;
        lock (_lock)
        {
            if (_finished) return;
            _pending = snapshot;
            var minimum = _style == ProgressLineStyle.Lines ? LinesInterval : Interval;
            var wait = _lastDrawn is { } drawn ? drawn + minimum - _clock.Elapsed : TimeSpan.Zero;
            if (snapshot.Step >= snapshot.Total || wait <= TimeSpan.Zero) DrawPending();
            else _pendingTimer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The line for <paramref name="snapshot"/> (without drawing it).</summary>
    public string Format(ProgressSnapshot snapshot)
    {
        var elapsed = _clock.Elapsed;
        var text = new StringBuilder();
        if (_label.Length > 0) text.Append(_label).Append(' ');
        var fraction = snapshot.Total > 0 ? Math.Clamp((double)snapshot.Step / snapshot.Total, 0, 1) : 0;
        var filled = (int)Math.Round(fraction * BarWidth);
        text.Append('[').Append('#', filled).Append('-', BarWidth - filled).Append("] ");
        text.Append(CultureInfo.InvariantCulture, $"{snapshot.Step}/{snapshot.Total} ({(int)Math.Floor(fraction * 100)}%)");
        foreach (var (name, value) in snapshot.Values) text.Append("  ").Append(name).Append(' ').Append(Number(value));
        var rate = snapshot.Rate;
        var unit = snapshot.RateUnit;
        if (double.IsNaN(rate) && elapsed.TotalSeconds > 0 && snapshot.Step > 0)
        {
            rate = snapshot.Step / elapsed.TotalSeconds;
            unit = "it/s";
        }
        if (double.IsFinite(rate)) text.Append("  ").Append(Number(rate)).Append(' ').Append(unit);
        var eta = snapshot.Eta ?? (snapshot.Step > 0 && snapshot.Step < snapshot.Total
            ? elapsed * ((double)(snapshot.Total - snapshot.Step) / snapshot.Step) : null);
        if (snapshot.Step >= snapshot.Total) text.Append("  done in ").Append(Duration(elapsed));
        else if (eta is { } e) text.Append("  ETA ").Append(Duration(e));
        return text.ToString();
    }

    /// <summary>Draws what is pending and ends the line (a console line gets its newline).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_finished) return;
            DrawPending();
            _finished = true;
            _pendingTimer.Dispose();
            if (_style == ProgressLineStyle.CarriageReturn) _console.End(this);
            else _console.Writer.Flush();
        }
    }

    // Caller holds _lock.
    private void DrawPending()
    {
        if (_pending is not { } snapshot || _finished) return;
        _pending = null;
        _lastDrawn = _clock.Elapsed;
        _lastText = Format(snapshot);
        switch (_style)
        {
            case ProgressLineStyle.Display:
                if (_display is null) _display = NotebookDisplay.Show(_lastText);
                else _display.Update(_lastText);
                break;
            case ProgressLineStyle.CarriageReturn:
                _console.Rewrite(this, _lastText, snapshot.Step >= snapshot.Total);
                break;
            default:
                _console.Writer.WriteLine(_lastText);
                _console.Writer.Flush();
                break;
        }
    }

    private static ProgressLineStyle DetectStyle(TextWriter? writer)
    {
        var console = writer is null || ReferenceEquals(writer, Console.Out);
        if (console && NotebookDisplay.InCell) return ProgressLineStyle.Display;
        if (console && (!Console.IsOutputRedirected || InDotNetInteractive())) return ProgressLineStyle.CarriageReturn;
        return ProgressLineStyle.Lines;
    }

    // Found by name, not referenced: .NET Interactive captures the console and front ends render '\r'.
    private static bool InDotNetInteractive() =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Microsoft.DotNet.Interactive");

    private static string Number(double value) =>
        value == 0 || Math.Abs(value) is >= 1e-3 and < 1e5
            ? value.ToString(Math.Abs(value) >= 100 ? "F0" : Math.Abs(value) >= 1 ? "F2" : "0.0000", CultureInfo.InvariantCulture)
            : value.ToString("0.00e+0", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : t.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}
