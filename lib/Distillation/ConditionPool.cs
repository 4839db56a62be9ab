using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// The conditions C that random conditioning draws replacements from, as the networks read them: one row per
/// condition (caption tokens (|C|, L), or class ids (|C|)), and the null condition (L) or () that condition dropout
/// puts in. Borrows both tensors: the caller keeps them alive while the pool is used and disposes them.
/// </summary>
public sealed class ConditionPool
{
    /// <param name="conditions">(|C|, ...): condition i of C, as the networks read it</param>
    /// <param name="nullCondition">(...): the null condition, shaped as one row of <paramref name="conditions"/>, on the same device</param>
    public ConditionPool(Tensor conditions, Tensor nullCondition)
    {
        if (conditions.Dim < 1 || conditions.Size(0) == 0)
            throw new ArgumentException($"the condition pool C needs at least one condition, got {conditions.Describe()}", nameof(conditions));
        var row = conditions.Shape.Skip(1).ToArray();
        if (!nullCondition.Shape.SequenceEqual(row) || nullCondition.DType != conditions.DType || nullCondition.Device != conditions.Device)
            throw new ArgumentException(
                $"the null condition must be shaped as one condition of C ({conditions.DType}[{string.Join(", ", row)}] {conditions.Device}), got {nullCondition.Describe()}",
                nameof(nullCondition));
        Conditions = conditions;
        Null = nullCondition;
    }

    /// <summary>C's conditions (|C|, ...).</summary>
    public Tensor Conditions { get; }

    /// <summary>The null condition (...).</summary>
    public Tensor Null { get; }

    public long Count => Conditions.Size(0);
    public Device Device => Conditions.Device;

    /// <summary>The conditions (B, ...) at <paramref name="indices"/> (B) into C, the null condition where <paramref name="dropped"/> (B) is true.</summary>
    public Tensor Select(Tensor indices, Tensor dropped)
    {
        using var scope = Torch.NewDisposeScope();
        var rows = Conditions.IndexSelect(0, indices);
        var mask = dropped.Reshape([dropped.Size(0), .. Enumerable.Repeat(1L, (int)rows.Dim - 1)]);
        return Null.Unsqueeze(0).ExpandAs(rows).Where(mask, rows).MoveToOuterScope();
    }
}
