using System.Text;

namespace RandCond.Notebooks.Execution;

/// <summary>
/// Console.Out/Error are process-wide; this routes them per async flow (AsyncLocal) so that a cell's writes,
/// including those from tasks it starts, reach that cell's sink, and everything else reaches the real console.
/// </summary>
internal static class ConsoleRouter
{
    private static readonly AsyncLocal<OutputSink?> Current = new();
    private static readonly object InstallLock = new();
    private static TextWriter? _installedOut, _installedError;

    /// <summary>The sink of the cell running on this async flow, null outside cells or once that cell ended.</summary>
    public static OutputSink? CurrentSink => Current.Value is { IsClosed: false } s ? s : null;

    public static IDisposable Capture(OutputSink sink)
    {
        EnsureInstalled();
        var previous = Current.Value;
        Current.Value = sink;
        return new Restore(previous);
    }

    private static void EnsureInstalled()
    {
        lock (InstallLock)
        {
            // Someone (a test host, user code) may have replaced the writers since; route again over theirs.
            if (!ReferenceEquals(Console.Out, _installedOut))
            {
                Console.SetOut(new RoutingWriter("stdout", Console.Out));
                _installedOut = Console.Out;
            }
            if (!ReferenceEquals(Console.Error, _installedError))
            {
                Console.SetError(new RoutingWriter("stderr", Console.Error));
                _installedError = Console.Error;
            }
        }
    }

    private sealed class Restore(OutputSink? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }

    private sealed class RoutingWriter(string stream, TextWriter fallback) : TextWriter
    {
        public override Encoding Encoding => fallback.Encoding;

        private static OutputSink? Sink => CurrentSink;

        public override void Write(char value)
        {
            if (Sink is { } s) s.WriteStream(stream, value.ToString()); else fallback.Write(value);
        }

        public override void Write(string? value)
        {
            if (Sink is { } s) s.WriteStream(stream, value ?? ""); else fallback.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            if (Sink is { } s) s.WriteStream(stream, new string(buffer, index, count)); else fallback.Write(buffer, index, count);
        }

        public override void WriteLine(string? value)
        {
            if (Sink is { } s) s.WriteStream(stream, (value ?? "") + "\n"); else fallback.WriteLine(value);
        }

        public override void Flush() => fallback.Flush();
    }
}
