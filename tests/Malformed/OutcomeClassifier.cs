namespace RandCond.Tests.Malformed;

/// <summary>Sorts a child's answer to a bad input into <see cref="Outcome"/>.</summary>
public static class OutcomeClassifier
{
    private static readonly string[] CrashMarks = ["Unhandled exception", "Fatal error", "Segmentation fault", "core dumped", "terminate called", "   at "];

    /// <param name="inputName">What the error line must name: the file's name (or path).</param>
    public static (Outcome Outcome, string Detail) Classify(ChildRun run, string inputName)
    {
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var summary = lines.Length == 0 ? "(nothing on stderr)" : lines[0];
        if (run.TimedOut) return (Outcome.Hang, $"killed after {run.Duration.TotalSeconds:F0} s; {summary}");
        int code = run.ExitCode!.Value;
        // 128 + N: the shell's way of saying signal N; .NET aborts (SIGABRT, 134) on an unhandled exception.
        if (code >= 128 || code < 0 || CrashMarks.Any(m => run.Stderr.Contains(m, StringComparison.Ordinal)))
            return (Outcome.Crash, $"exit {code}; {Tail(run.Stderr)}");
        if (code == 0) return (Outcome.SilentSuccess, $"exit 0; stdout {Tail(run.Stdout)}");
        if (lines.Length != 1) return (Outcome.UnclearError, $"exit {code}, {lines.Length} lines on stderr: {Tail(run.Stderr)}");
        if (!summary.Contains(inputName, StringComparison.Ordinal)) return (Outcome.UnclearError, $"exit {code}, does not name {inputName}: {summary}");
        return (Outcome.CleanError, $"exit {code}: {summary}");
    }

    private static string Tail(string text)
    {
        text = text.Trim().ReplaceLineEndings(" | ");
        return text.Length <= 400 ? text : "…" + text[^400..];
    }
}
