namespace RandCond.Notebooks.Execution;

/// <summary>
/// A value shown with <see cref="NotebookDisplay.Show"/> (or a cell's <c>display(...)</c>); <see cref="Update"/> replaces
/// what it shows, in place: in a Jupyter front end through update_display_data, in a notebook the runner writes by
/// replacing the output. Shaped like .NET Interactive's DisplayedValue, so cells that update displays run under both.
/// </summary>
public sealed class DisplayHandle
{
    private readonly OutputSink? _origin;

    internal DisplayHandle(string displayId, OutputSink? origin)
    {
        DisplayId = displayId;
        _origin = origin;
    }

    /// <summary>The display's id (Jupyter's transient display_id).</summary>
    public string DisplayId { get; }

    /// <summary>
    /// Shows <paramref name="value"/> in place of the current content. From a later cell, a kernel's front end still
    /// updates the display, but a notebook written by the runner keeps what the display held when its cell ended.
    /// Outside any RandCond cell (a terminal, another kernel) the value's text is written to the console instead.
    /// </summary>
    public void Update(object? value)
    {
        var data = MimeFormatter.Format(value);
        if (_origin is not null && _origin.UpdateDisplay(DisplayId, data)) return;
        if (ConsoleRouter.CurrentSink is { } current) current.ForwardUpdate(DisplayId, data);
        else Console.Out.WriteLine(data[MimeFormatter.PlainText]);
    }
}
