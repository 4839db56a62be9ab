using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Training;

/// <summary>
/// An optimizer as a <see cref="TrainingCheckpoint"/> keeps it: its state under <see cref="Name"/>, and how a
/// <see cref="TrainingLoop"/>'s learning-rate schedule sets its rate (null: the rate is not scheduled).
/// </summary>
public sealed record CheckpointOptimizer(
    string Name,
    Func<(Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata)> StateDict,
    Action<IReadOnlyDictionary<string, Tensor>, IReadOnlyDictionary<string, string>> LoadStateDict,
    Action<double>? SetLearningRate = null)
{
    /// <summary>An AdamW whose rate follows the loop's schedule.</summary>
    public static CheckpointOptimizer Of(string name, AdamW optimizer) =>
        new(name, optimizer.StateDict, optimizer.LoadStateDict, rate => optimizer.LearningRate = rate);
}
