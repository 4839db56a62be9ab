using RandCond.Experiments;
using Xunit;
using Xunit.Abstractions;

namespace RandCond.Tests.Malformed;

/// <summary>
/// The malformed-input suite. By default a fixed sample (every <see cref="DefaultStride"/>-th case of each family) runs;
/// RANDCOND_MALFORMED_STRIDE=1 runs every case (scripts/malformed.sh). The counts table goes to the test output and to
/// .cache/malformed/counts.txt.
/// </summary>
public class MalformedInputTests(ITestOutputHelper output)
{
    public const int DefaultStride = 8;

    [Fact]
    public void There_are_at_least_200_distinct_cases_across_the_four_families()
    {
        var cases = MalformedSuite.AllCases().ToList();
        Assert.True(cases.Count >= 200, $"{cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.ToString()).Distinct().Count());
        Assert.Equal(["idx", "kernel", "notebook", "safetensors"], cases.Select(c => c.Family).Distinct().Order());
        Assert.Equal(cases.Count, cases.Select(c => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(c.Bytes)) + c.FileName).Distinct().Count());
    }

    [Fact]
    public void Every_entry_point_answers_bad_input_with_one_clean_error_and_never_a_crash_a_hang_or_a_silent_success()
    {
        int stride = int.TryParse(Environment.GetEnvironmentVariable("RANDCOND_MALFORMED_STRIDE"), out var s) && s >= 1 ? s : DefaultStride;
        var results = MalformedSuite.Run(MalformedSuite.Sample(stride));
        var table = MalformedSuite.CountsTable(results);
        output.WriteLine(table);
        var report = RepoPaths.Cache("malformed", "counts.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        File.WriteAllText(report, $"stride {stride}\n{table}");
        Assert.True(results.All(r => r.Outcome == Outcome.CleanError), table);
    }
}

/// <summary>The classifier itself, on made-up child runs.</summary>
public class OutcomeClassifierTests
{
    [Theory]
    [InlineData(2, "error: /tmp/x/bad.ipynb: $.cells must be a list", Outcome.CleanError)]
    [InlineData(1, "error: not valid\nsecond line", Outcome.UnclearError)]
    [InlineData(2, "error: something else", Outcome.UnclearError)]
    [InlineData(134, "", Outcome.Crash)]
    [InlineData(1, "Unhandled exception. System.Exception: boom", Outcome.Crash)]
    [InlineData(0, "", Outcome.SilentSuccess)]
    public void Sorts_a_child_run_by_exit_code_and_stderr(int exit, string stderr, Outcome expected)
    {
        var (outcome, _) = OutcomeClassifier.Classify(new ChildRun(exit, "", stderr, TimeSpan.FromSeconds(1)), "bad.ipynb");
        Assert.Equal(expected, outcome);
    }

    [Fact]
    public void A_child_killed_at_the_timeout_is_a_hang()
    {
        var run = ChildProcess.Run("sleep", ["30"], TimeSpan.FromMilliseconds(300));
        Assert.True(run.TimedOut);
        Assert.Equal(Outcome.Hang, OutcomeClassifier.Classify(run, "x").Outcome);
    }
}
