using System.Text.Json.Nodes;

namespace RandCond.Notebooks;

/// <summary>
/// An nbformat 4 notebook held as its JSON tree, so metadata this class does not know survives a round trip.
/// <see cref="Cells"/> is the editable list; it is written back into the tree by <see cref="ToJsonObject"/>.
/// </summary>
public sealed class Notebook
{
    private readonly JsonObject _root;

    public Notebook(JsonObject root)
    {
        _root = root;
        var cells = NotebookCell.GetOrAddArray(root, "cells");
        Cells = cells.OfType<JsonObject>().Select(c => new NotebookCell(c)).ToList();
    }

    public List<NotebookCell> Cells { get; }

    public JsonObject Metadata => NotebookCell.GetOrAddObject(_root, "metadata");

    public int NbFormat => (int?)_root["nbformat"] ?? 0;

    public int NbFormatMinor
    {
        get => (int?)_root["nbformat_minor"] ?? 0;
        set => _root["nbformat_minor"] = value;
    }

    /// <summary>nbformat 4.5 requires cell ids; older minor versions must not have them.</summary>
    public bool UsesCellIds => NbFormatMinor >= 5;

    public IEnumerable<NotebookCell> CodeCells => Cells.Where(c => c.IsCode);

    /// <summary>The JSON tree with <see cref="Cells"/> written into "cells".</summary>
    public JsonObject ToJsonObject()
    {
        var array = NotebookCell.GetOrAddArray(_root, "cells");
        array.Clear(); // detaches the cell objects so they can be re-added in the list's order
        foreach (var cell in Cells)
        {
            cell.Json.Parent?.AsArray().Remove(cell.Json);
            array.Add(cell.Json);
        }
        return _root;
    }

    /// <summary>A new id as nbformat 4.5 wants them (1-64 of [a-zA-Z0-9-_]).</summary>
    public static string NewCellId() => Guid.NewGuid().ToString("N")[..16];
}
