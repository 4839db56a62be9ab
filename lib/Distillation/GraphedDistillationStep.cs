using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// A <see cref="DistillationStep"/> (made with options.CudaGraph) run as a CUDA graph: the first <see cref="WarmupSteps"/>
/// calls run eagerly (making the optimizer moments, cuDNN plans and the allocator's blocks), the next records one step
/// into a graph, and from then on every call copies its inputs into the graph's input tensors and replays it: one launch
/// instead of some 2,400 per step, so the host's per-operator work drops out. Inputs must keep the shapes of the first call.
/// </summary>
public sealed class GraphedDistillationStep : IDisposable
{
    private readonly DistillationStep step;
    private readonly CudaGraph graph = new();
    private Tensor[]? inputs;            // xt, t, tokens, then noise and keptCaption when given
    private DistillationLossTerms? outputs;
    private int eagerSteps;

    public GraphedDistillationStep(DistillationStep step, int warmupSteps = 3)
    {
        if (!step.Options.CudaGraph) throw new ArgumentException("the step was not made for a CUDA graph: set DistillationOptions.CudaGraph", nameof(step));
        if (warmupSteps < 1) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "at least one eager step must precede the capture");
        (this.step, WarmupSteps) = (step, warmupSteps);
    }

    public int WarmupSteps { get; }
    public bool IsCaptured => graph.IsCaptured;

    /// <summary>One step on these inputs; returns its loss terms (owned by the caller).</summary>
    public DistillationLossTerms Run(Tensor xt, Tensor t, Tensor tokens, int stepIndex, Tensor? noise = null, Tensor? keptCaption = null)
    {
        var given = new[] { xt, t, tokens, noise, keptCaption };
        if (!xt.Device.IsCuda) throw new ArgumentException($"a CUDA graph step needs CUDA inputs; x_t is on {xt.Device}", nameof(xt));
        step.Prepare(stepIndex);
        if (eagerSteps < WarmupSteps)
        {
            eagerSteps++;
            return step.Run(xt, t, tokens, stepIndex, noise, keptCaption);
        }
        if (inputs is null)
        {
            inputs = given.Select(g => g?.Clone().DetachFromDisposeScope()).ToArray()!;
            outputs = graph.Capture(xt.Device, () => step.Run(inputs[0], inputs[1], inputs[2], stepIndex, inputs[3], inputs[4]));
            outputs = new DistillationLossTerms(outputs.Total.DetachFromDisposeScope(), outputs.Output.DetachFromDisposeScope(),
                outputs.Feature.DetachFromDisposeScope(), outputs.Task.DetachFromDisposeScope());
        }
        else
        {
            for (int i = 0; i < given.Length; i++)
            {
                if ((given[i] is null) != (inputs[i] is null))
                    throw new ArgumentException("a CUDA graph step takes the same optional inputs (noise, kept captions) on every call");
                if (given[i] is { } g)
                {
                    if (!g.Shape.SequenceEqual(inputs[i]!.Shape))
                        throw new ArgumentException($"a CUDA graph step takes inputs of the captured shapes: input {i} is [{string.Join(", ", g.Shape)}], captured [{string.Join(", ", inputs[i]!.Shape)}]");
                    inputs[i]!.CopyFrom(g);
                }
            }
        }
        graph.Replay();
        var o = outputs!;
        return new DistillationLossTerms(o.Total.Clone(), o.Output.Clone(), o.Feature.Clone(), o.Task.Clone());
    }

    public void Dispose()
    {
        graph.Dispose();
        outputs?.Dispose();
        if (inputs is not null) foreach (var t in inputs) t?.Dispose();
    }
}
