namespace RandCond.Notebooks.Execution;

/// <summary>One output of a cell, in the order it was produced.</summary>
public abstract record CellOutput;

/// <summary>Text written to the console; <see cref="Name"/> is "stdout" or "stderr".</summary>
public sealed record StreamOutput(string Name, string Text) : CellOutput;

/// <summary>
/// A rich object shown by display(...): mime type → content (binary types base64-encoded). <see cref="DisplayId"/>
/// names it for later updates through its <see cref="DisplayHandle"/> (Jupyter's transient display_id).
/// </summary>
public sealed record DisplayDataOutput(IReadOnlyDictionary<string, string> Data) : CellOutput
{
    public string? DisplayId { get; init; }
}

/// <summary>
/// New content for the display <see cref="DisplayId"/> (Jupyter's update_display_data). Only live listeners see it:
/// a cell's result holds the updated <see cref="DisplayDataOutput"/> in place instead.
/// </summary>
public sealed record DisplayUpdateOutput(string DisplayId, IReadOnlyDictionary<string, string> Data) : CellOutput;

/// <summary>The value of the cell's last expression.</summary>
public sealed record ExecuteResultOutput(IReadOnlyDictionary<string, string> Data) : CellOutput;

/// <summary>A compile error or an uncaught exception. <see cref="Traceback"/> lines are plain text.</summary>
public sealed record ErrorOutput(string EName, string EValue, IReadOnlyList<string> Traceback) : CellOutput;
