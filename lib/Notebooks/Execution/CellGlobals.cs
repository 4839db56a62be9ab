namespace RandCond.Notebooks.Execution;

/// <summary>Members every cell can use unqualified: display(...) and the cell's CancellationToken (what .NET Interactive offers too).</summary>
public sealed class CellGlobals
{
    /// <summary>Cancelled when the running cell is interrupted; long loops may check it.</summary>
    public CancellationToken CancellationToken { get; internal set; }

    /// <summary>Shows <paramref name="value"/> as rich output; the handle's Update(value) replaces it in place.</summary>
#pragma warning disable IDE1006 // lower-case on purpose: the name notebooks use (Polyglot, IPython)
    public DisplayHandle display(object? value) => NotebookDisplay.Show(value);
#pragma warning restore IDE1006
}
