namespace RandCond.Notebooks.Execution;

/// <summary>Rich display from library code, for the cell that is running on this flow (kernel or headless runner).</summary>
public static class NotebookDisplay
{
    /// <summary>Whether this code runs inside a RandCond cell, whose displays become rich outputs.</summary>
    public static bool InCell => ConsoleRouter.CurrentSink is not null;

    /// <summary>
    /// Shows <paramref name="value"/> as rich output (see <see cref="MimeFormatter"/>) and returns a handle that updates it.
    /// Outside a RandCond cell (a terminal, .NET Interactive) it writes the value's text to the console.
    /// </summary>
    public static DisplayHandle Show(object? value)
    {
        var data = MimeFormatter.Format(value);
        var id = Guid.NewGuid().ToString("N");
        // The sink of the cell this call belongs to (not the latest cell's): work a cancelled cell left running
        // must not show up in the next cell.
        var sink = ConsoleRouter.CurrentSink;
        if (sink is null) Console.Out.WriteLine(data[MimeFormatter.PlainText]);
        else sink.Add(new DisplayDataOutput(data) { DisplayId = id });
        return new DisplayHandle(id, sink);
    }
}
