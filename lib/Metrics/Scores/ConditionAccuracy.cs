using System.Text;
using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>
/// How often generated samples are classified as the class they were generated for: overall, per intended
/// class (NaN for a class without samples), and the confusion matrix (rows: intended, columns: predicted).
/// </summary>
public sealed record ConditionAccuracyResult(double Overall, double[] PerClass, long[] CountPerClass, long[,] Confusion)
{
    public int ClassCount => PerClass.Length;

    public override string ToString()
    {
        var text = new StringBuilder($"overall {Overall:P2};");
        for (int c = 0; c < PerClass.Length; c++) text.Append($" {c}: {PerClass[c]:P1}");
        return text.ToString();
    }
}

public static class ConditionAccuracy
{
    public static ConditionAccuracyResult FromLogits(Tensor logits, Tensor intended)
    {
        if (logits.Shape is not [_, var k]) throw new ArgumentException($"ConditionAccuracy: logits must be (N, K), got [{string.Join(", ", logits.Shape)}]");
        using var predicted = logits.ArgMax(1);
        return FromPredictions(predicted, intended, k);
    }

    /// <summary>From predicted and intended class indices (N each) in [0, classCount).</summary>
    public static ConditionAccuracyResult FromPredictions(Tensor predicted, Tensor intended, long classCount)
    {
        if (predicted.Shape is not [var n] || !intended.Shape.SequenceEqual(new[] { n }))
            throw new ArgumentException($"ConditionAccuracy: predicted and intended labels must both be (N), got [{string.Join(", ", predicted.Shape)}] and [{string.Join(", ", intended.Shape)}]");
        if (n == 0) throw new ArgumentException("ConditionAccuracy: no samples");
        int k = checked((int)classCount);
        using var scope = Torch.NewDisposeScope();
        var p = predicted.To(DType.Int64);
        var y = intended.To(predicted.Device, DType.Int64);
        var bounds = Torch.Stack([p.Min(), p.Max(), y.Min(), y.Max()]).Cpu().ToArray<long>();
        if (bounds[0] < 0 || bounds[1] >= k || bounds[2] < 0 || bounds[3] >= k)
            throw new ArgumentException($"ConditionAccuracy: labels must lie in [0, {k}); predicted span [{bounds[0]}, {bounds[1]}], intended [{bounds[2]}, {bounds[3]}]");
        var counts = Torch.Op("aten::bincount", "", y * k + p, null, (long)k * k).Cpu().ToArray<long>();

        var confusion = new long[k, k];
        var perClass = new double[k];
        var countPerClass = new long[k];
        long correct = 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++) confusion[i, j] = counts[i * k + j];
            for (int j = 0; j < k; j++) countPerClass[i] += confusion[i, j];
            correct += confusion[i, i];
            perClass[i] = countPerClass[i] == 0 ? double.NaN : (double)confusion[i, i] / countPerClass[i];
        }
        return new ConditionAccuracyResult((double)correct / n, perClass, countPerClass, confusion);
    }
}
