using static System.FormattableString;

namespace RandCond.Experiments;

/// <summary>How a CoDi record fares against <see cref="CoDiLab.Goal"/>.</summary>
public enum CoDiGoalOutcome
{
    /// <summary>CoDi at 4 steps is within 10 % of the fine-tuned model's FD, and that reference has converged.</summary>
    Met,
    /// <summary>CoDi at 4 steps is more than 10 % worse than a converged fine-tuned reference.</summary>
    NotMet,
    /// <summary>Both rows are there, but the fine-tuned reference is too far from converged for the ratio to mean anything.</summary>
    NotConclusive,
    /// <summary>The record lacks CoDi at 4 steps or a longer fine-tuned run.</summary>
    NotCompared,
}

/// <summary>
/// The verdict on the paper's CoDi claim (CoDi at 4 steps within 10 % of the fine-tuned model at 50 steps) and the sentence
/// that says it with the record's numbers. The ratio only means something when the reference itself has converged: the
/// record has no FD of a finished reference, so the criterion uses the two ends it does have, the condition itself (what
/// doing nothing scores) and real training images (the floor at this sample count). The fine-tuned reference must close
/// at least <see cref="MinGapClosed"/> of the FD gap between them, else the verdict is "not conclusive".
/// </summary>
public sealed record CoDiVerdict(CoDiGoalOutcome Outcome, double? Ratio, double? GapClosed, string Sentence)
{
    /// <summary>CoDi's FD over the reference's at most this: the goal's "within 10 %".</summary>
    public const double GoalRatio = 1.1;

    /// <summary>The share of the condition-to-real-images FD gap a converged reference closes (every paper-scale record closes more than 94 %).</summary>
    public const double MinGapClosed = 0.9;

    /// <summary>The goal as a record stores it: true met, false not met, null when not conclusive or not compared.</summary>
    public bool? GoalMet => Outcome switch { CoDiGoalOutcome.Met => true, CoDiGoalOutcome.NotMet => false, _ => null };

    public override string ToString() => Sentence;

    /// <summary>The verdict for a record's rows and its real-image FD floor, CoDi taken at <paramref name="steps"/> sampling steps.</summary>
    public static CoDiVerdict Of(IReadOnlyList<CoDiRow> rows, double fdFloor, int steps = 4)
    {
        var codi = rows.FirstOrDefault(r => r.Model == "codi" && r.Steps == steps);
        var reference = rows.Where(r => r.Model == "finetune").MaxBy(r => r.Steps);
        if (codi is null || reference is null || reference.Steps <= steps)
            return new(CoDiGoalOutcome.NotCompared, null, null,
                Invariant($"not compared: the comparison needs CoDi at {steps} sampling steps and the fine-tuned model at more steps"));

        double ratio = codi.Fd / reference.Fd;
        var numbers = Invariant($"CoDi at {steps} steps FD {codi.Fd:F2} (accuracy {codi.Accuracy:P1}), fine-tuned at {reference.Steps} steps FD {reference.Fd:F2} ") +
                      Invariant($"(accuracy {reference.Accuracy:P1}): ratio {ratio:F3}");
        var condition = rows.FirstOrDefault(r => r.Model == "condition");
        if (condition is null)
            return new(CoDiGoalOutcome.NotConclusive, ratio, null,
                $"{numbers}; not conclusive: the record scores no condition row, so whether the fine-tuned reference has converged cannot be judged");
        double gap = condition.Fd - fdFloor;
        if (!(gap > 0))
            return new(CoDiGoalOutcome.NotConclusive, ratio, null,
                Invariant($"{numbers}; not conclusive: the condition itself (FD {condition.Fd:F2}) is no farther from the test set than real training images (FD {fdFloor:F2}), so FD cannot tell a converged reference"));

        double closed = (condition.Fd - reference.Fd) / gap;
        var criterion = Invariant($"the fine-tuned reference closes {closed:P1} of the FD gap between the condition itself ({condition.Fd:F2}) and real training images ({fdFloor:F2})");
        if (closed < MinGapClosed)
            return new(CoDiGoalOutcome.NotConclusive, ratio, closed,
                Invariant($"{numbers}; not conclusive: {criterion}, less than the {MinGapClosed:P0} taken to mark a converged model, so the ratio compares two unfinished models"));
        return ratio <= GoalRatio
            ? new(CoDiGoalOutcome.Met, ratio, closed, $"{numbers}, within 10 %: met ({criterion}: converged)")
            : new(CoDiGoalOutcome.NotMet, ratio, closed, Invariant($"{numbers}, {ratio - 1:P0} worse: not met ({criterion}: converged)"));
    }
}
