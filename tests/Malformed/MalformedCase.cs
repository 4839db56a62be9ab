namespace RandCond.Tests.Malformed;

/// <summary>
/// One bad input: the family it belongs to (the entry point that reads it), a name that says what is wrong, its bytes,
/// and the file name they are written as (where the entry point looks for that file, e.g. an IDX file's name).
/// </summary>
public sealed record MalformedCase(string Family, string Name, byte[] Bytes, string FileName)
{
    public override string ToString() => $"{Family}/{Name}";
}

/// <summary>How an entry point answered a bad input.</summary>
public enum Outcome
{
    /// <summary>Non-zero exit, one line on stderr naming the input, no stack trace, no signal.</summary>
    CleanError,
    /// <summary>Non-zero exit without a signal, but the message is not one line naming the input.</summary>
    UnclearError,
    /// <summary>Killed by a signal, aborted, or an unhandled exception.</summary>
    Crash,
    /// <summary>Still running at the timeout (killed).</summary>
    Hang,
    /// <summary>Exit 0 on an input that is not valid.</summary>
    SilentSuccess,
}

/// <summary>A case and what happened to it.</summary>
public sealed record CaseResult(MalformedCase Case, Outcome Outcome, string Detail);
