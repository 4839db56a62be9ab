namespace RandCond.Training;

/// <summary>
/// The console line that <see cref="ProgressLineStyle.CarriageReturn"/> progress lines rewrite after '\r'. The lines of
/// one <see cref="ProgressLines"/> share it: each draw wipes what any of them drew before, a finished line is kept when
/// another takes the line over (the newcomer starts a new line), and the line ends with one newline.
/// </summary>
internal sealed class ConsoleLine(TextWriter writer)
{
    private readonly object _lock = new();
    private object? _owner;
    private bool _ownerDone;
    private int _width;

    public TextWriter Writer => writer;

    public void Rewrite(object owner, string text, bool done)
    {
        lock (_lock)
        {
            if (_width > 0 && !ReferenceEquals(_owner, owner) && _ownerDone)
            {
                writer.WriteLine();
                _width = 0;
            }
            // Spaces wipe the rest of a longer previous text; no escape codes, which logs and notebooks show raw.
            writer.Write("\r" + text.PadRight(_width));
            (_width, _owner, _ownerDone) = (text.Length, owner, done);
            writer.Flush();
        }
    }

    /// <summary>Ends the line with its newline if <paramref name="owner"/> drew it last.</summary>
    public void End(object owner)
    {
        lock (_lock)
        {
            if (_width > 0 && ReferenceEquals(_owner, owner))
            {
                writer.WriteLine();
                (_width, _owner) = (0, null);
            }
            writer.Flush();
        }
    }
}
