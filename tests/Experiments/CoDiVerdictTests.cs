using RandCond.Experiments;

namespace RandCond.Tests.Labs;

/// <summary>
/// The verdict on the CoDi claim says "met" or "not met" only when the fine-tuned reference has converged (it closes at
/// least 90 % of the FD gap between the condition and real images), and "not conclusive" otherwise, with its numbers.
/// </summary>
public sealed class CoDiVerdictTests
{
    private static CoDiResult WithFd(CoDiResult record, string model, int steps, double fd) =>
        record with { Rows = record.Rows.Select(r => r.Model == model && r.Steps == steps ? r with { Fd = fd } : r).ToList() };

    private static double GapClosed(CoDiResult record)
    {
        double condition = record.Row("condition", 0)!.Fd, reference = record.Rows.Where(r => r.Model == "finetune").MaxBy(r => r.Steps)!.Fd;
        return (condition - reference) / (condition - record.FdFloorRealTrainVsTest);
    }

    [Fact]
    public void A_quick_run_whose_reference_is_far_from_converged_is_not_conclusive_even_with_a_ratio_under_one_point_one()
    {
        var quick = CoDiResult.Recorded("codi-mnist-sr7-quick-cpu.json");
        Assert.True(quick.FdRatioToFineTuned() <= CoDiVerdict.GoalRatio); // the old verdict said "met"

        var verdict = quick.Verdict();

        Assert.Equal(CoDiGoalOutcome.NotConclusive, verdict.Outcome);
        Assert.Null(verdict.GoalMet);
        Assert.Equal(GapClosed(quick), verdict.GapClosed!.Value, 12);
        Assert.True(verdict.GapClosed < CoDiVerdict.MinGapClosed);
        Assert.Contains("not conclusive", verdict.Sentence);
        Assert.DoesNotContain(": met", verdict.Sentence);
        Assert.Contains(FormattableString.Invariant($"{quick.Row("condition", 0)!.Fd:F2}"), verdict.Sentence);
        Assert.Contains(FormattableString.Invariant($"{quick.FdFloorRealTrainVsTest:F2}"), verdict.Sentence);
        Assert.Contains(FormattableString.Invariant($"{GapClosed(quick):P1}"), verdict.Sentence);
    }

    [Fact]
    public void A_paper_run_with_a_converged_reference_and_a_large_ratio_is_not_met()
    {
        var paper = CoDiResult.Recorded("codi-mnist-sr7-paper-cuda.json");

        var verdict = paper.Verdict();

        Assert.Equal(CoDiGoalOutcome.NotMet, verdict.Outcome);
        Assert.False(verdict.GoalMet);
        Assert.Equal(paper.FdRatioToFineTuned()!.Value, verdict.Ratio!.Value, 12);
        Assert.Contains("not met", verdict.Sentence);
        Assert.Contains(FormattableString.Invariant($"{paper.Row("codi", 4)!.Fd:F2}"), verdict.Sentence);
    }

    [Fact]
    public void A_converged_reference_and_codi_within_ten_percent_is_met()
    {
        var paper = CoDiResult.Recorded("codi-mnist-sr7-paper-cuda.json");
        var reference = paper.Row("finetune", 50)!.Fd;

        var verdict = WithFd(paper, "codi", 4, 1.05 * reference).Verdict();

        Assert.Equal(CoDiGoalOutcome.Met, verdict.Outcome);
        Assert.True(verdict.GoalMet);
        Assert.Contains("within 10 %: met", verdict.Sentence);
        Assert.Contains("converged", verdict.Sentence);
    }

    [Fact]
    public void The_same_ratio_against_an_unconverged_reference_is_not_conclusive()
    {
        var paper = CoDiResult.Recorded("codi-mnist-sr7-paper-cuda.json");
        var unconverged = WithFd(WithFd(paper, "finetune", 50, 500), "codi", 4, 1.05 * 500);

        var verdict = unconverged.Verdict();

        Assert.Equal(CoDiGoalOutcome.NotConclusive, verdict.Outcome);
        Assert.Equal(1.05, verdict.Ratio!.Value, 12);
        Assert.StartsWith("CoDi at 4 steps FD 525.00", verdict.Sentence);
        Assert.Contains("not conclusive", verdict.Sentence);
    }

    [Fact]
    public void A_record_without_the_rows_to_compare_or_to_judge_by_says_so()
    {
        var paper = CoDiResult.Recorded("codi-mnist-sr7-paper-cuda.json");

        var noCodi = (paper with { Rows = paper.Rows.Where(r => r.Model != "codi").ToList() }).Verdict();
        Assert.Equal(CoDiGoalOutcome.NotCompared, noCodi.Outcome);
        Assert.Null(noCodi.GoalMet);
        Assert.Null(noCodi.Ratio);
        Assert.StartsWith("not compared", noCodi.Sentence);

        var noCondition = (paper with { Rows = paper.Rows.Where(r => r.Model != "condition").ToList() }).Verdict();
        Assert.Equal(CoDiGoalOutcome.NotConclusive, noCondition.Outcome);
        Assert.Contains("no condition row", noCondition.Sentence);

        var floorAboveCondition = (paper with { FdFloorRealTrainVsTest = paper.Row("condition", 0)!.Fd + 1 }).Verdict();
        Assert.Equal(CoDiGoalOutcome.NotConclusive, floorAboveCondition.Outcome);
        Assert.Null(floorAboveCondition.GapClosed);
    }

    [Fact]
    public void Every_committed_paper_record_is_judged_and_every_quick_one_is_not_conclusive()
    {
        foreach (var path in Directory.GetFiles(RepoPaths.Results(), "codi-*.json"))
        {
            var record = CoDiResult.Load(path);
            var verdict = record.Verdict();
            if (record.FdRatioToFineTuned() is null) Assert.Equal(CoDiGoalOutcome.NotCompared, verdict.Outcome);
            else if (record.Scale == "paper") Assert.True(verdict.Outcome is CoDiGoalOutcome.Met or CoDiGoalOutcome.NotMet, $"{path}: {verdict}");
            else Assert.True(verdict.Outcome == CoDiGoalOutcome.NotConclusive, $"{path}: {verdict}");
        }
    }
}
