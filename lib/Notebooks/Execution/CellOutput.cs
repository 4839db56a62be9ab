namespace RandCond.Notebooks.Execution;

/// <summary>One output of a cell, in the order it was produced.</summary>
public abstract record CellOutput;

/// <summary>Text written to the console; <see cref="Name"/> is "stdout" or "stderr".</summary>
public sealed record StreamOutput(string Name, string Text) : CellOutput;

/// <summary>A rich object shown by display(...): mime type → content (binary types base64-encoded).</summary>
public sealed record DisplayDataOutput(IReadOnlyDictionary<string, string> Data) : CellOutput;

/// <summary>The value of the cell's last expression.</summary>
public sealed record ExecuteResultOutput(IReadOnlyDictionary<string, string> Data) : CellOutput;

/// <summary>A compile error or an uncaught exception. <see cref="Traceback"/> lines are plain text.</summary>
public sealed record ErrorOutput(string EName, string EValue, IReadOnlyList<string> Traceback) : CellOutput;
