namespace RandCond.Cli;

/// <summary>What `run` and `run-all` were asked for besides the notebook: parameter overrides, where to write, the cell time limit.</summary>
public sealed record NotebookRunSettings(IReadOnlyList<string> Parameters, string? Out, bool InPlace, TimeSpan? CellTimeout);
