using RandCond.Notebooks.Execution;

namespace RandCond.Notebooks.Running;

/// <summary>
/// The cell that stopped a run. <see cref="CellIndex"/> is the 0-based index in the notebook's cells as
/// written (injected-parameters cell included); <see cref="Message"/> holds the diagnostics or "Type: message".
/// </summary>
public sealed record NotebookCellFailure(
    int CellIndex,
    CellStatus Status,
    string Message,
    IReadOnlyList<string> Diagnostics,
    ErrorOutput? Error)
{
    public override string ToString() => $"cell {CellIndex} failed: {Message}";
}

public sealed record NotebookRunResult(
    string NotebookPath,
    string OutputPath,
    int CellsExecuted,
    TimeSpan Duration,
    NotebookCellFailure? Failure)
{
    public bool Succeeded => Failure is null;

    public void ThrowIfFailed()
    {
        if (Failure is not null) throw new NotebookExecutionException(NotebookPath, Failure);
    }
}

public sealed class NotebookExecutionException(string notebookPath, NotebookCellFailure failure)
    : Exception($"{notebookPath}: {failure}")
{
    public string NotebookPath { get; } = notebookPath;
    public NotebookCellFailure Failure { get; } = failure;
}
