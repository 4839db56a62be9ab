namespace RandCond.Notebooks.Execution;

public enum CellStatus { Ok, CompileError, RuntimeError, Cancelled }

/// <summary>What running one cell produced.</summary>
public sealed record CellResult(
    CellStatus Status,
    IReadOnlyList<CellOutput> Outputs,
    TimeSpan Duration,
    object? ReturnValue = null)
{
    public bool Succeeded => Status == CellStatus.Ok;

    /// <summary>The error output, when the cell failed.</summary>
    public ErrorOutput? Error => Outputs.OfType<ErrorOutput>().LastOrDefault();

    /// <summary>Compile diagnostics, e.g. "(2,5): error CS0103: ..."; empty unless <see cref="CellStatus.CompileError"/>.</summary>
    public IReadOnlyList<string> Diagnostics { get; init; } = [];

    /// <summary>A one-line summary of the failure: the diagnostics, or "Type: message"; null on success.</summary>
    public string? FailureMessage => Status switch
    {
        CellStatus.Ok => null,
        CellStatus.CompileError => string.Join("; ", Diagnostics),
        _ => Error is { } e ? $"{e.EName}: {e.EValue}" : Status.ToString(),
    };
}
