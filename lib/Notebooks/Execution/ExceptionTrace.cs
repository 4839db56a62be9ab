using System.Text.RegularExpressions;

namespace RandCond.Notebooks.Execution;

/// <summary>Builds the error output for an exception thrown by a cell, with the scripting machinery's frames removed.</summary>
internal static partial class ExceptionTrace
{
    private static readonly string[] HiddenFramePrefixes =
    [
        "at Microsoft.CodeAnalysis.Scripting.",
        "at System.Runtime.CompilerServices.",
        "at System.Runtime.ExceptionServices.",
        "at System.Threading.",
        "at System.RuntimeMethodHandle.",
        "at System.Reflection.",
        "at RandCond.Notebooks.Execution.",
        "--- End of stack trace from previous location",
    ];

    public static ErrorOutput ToErrorOutput(Exception exception)
    {
        exception = Unwrap(exception);
        var lines = new List<string> { $"{exception.GetType().FullName}: {exception.Message}" };
        lines.AddRange(Frames(exception));
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            lines.Add($" ---> {inner.GetType().FullName}: {inner.Message}");
            lines.AddRange(Frames(inner));
        }
        return new ErrorOutput(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, lines);
    }

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case System.Reflection.TargetInvocationException { InnerException: { } inner }: e = inner; continue;
                case AggregateException { InnerExceptions.Count: 1 } agg: e = agg.InnerExceptions[0]; continue;
                default: return e;
            }
        }
    }

    private static IEnumerable<string> Frames(Exception e) =>
        (e.StackTrace ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !HiddenFramePrefixes.Any(line.StartsWith))
            .Select(line => "   " + Readable(line));

    // "at Submission#3.<<Initialize>>d__0.MoveNext() in :line 2" -> "at <cell> in cell, line 2"
    private static string Readable(string frame) =>
        CellLine().Replace(InitializeFrame().Replace(SubmissionPrefix().Replace(frame, ""), "<cell>"), " in cell, line $1");

    [GeneratedRegex(@"Submission#\d+\.")]
    private static partial Regex SubmissionPrefix();

    [GeneratedRegex(@"<<Initialize>>d__\d+\.MoveNext\(\)")]
    private static partial Regex InitializeFrame();

    [GeneratedRegex(@" in :line (\d+)$")]
    private static partial Regex CellLine();
}
