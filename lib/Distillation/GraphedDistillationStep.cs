using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// A <see cref="DistillationStep"/> (made with options.CudaGraph) run as a CUDA graph through a <see cref="GraphedFunction"/>:
/// the first <c>warmupSteps</c> calls run eagerly, the next records the step and replays it, and from then on every call
/// replays it, one launch instead of some 2,400 per step. Inputs must keep the shapes of the first call, and the
/// optional ones (noise, kept captions) must be given on every call or on none.
/// </summary>
public sealed class GraphedDistillationStep : IDisposable
{
    private readonly DistillationStep step;
    private readonly GraphedFunction graphed;
    private bool[]? given;              // which of xt, t, tokens, noise, keptCaption the first call passed
    private int stepIndex;

    public GraphedDistillationStep(DistillationStep step, int warmupSteps = 3)
    {
        if (!step.Options.CudaGraph) throw new ArgumentException("the step was not made for a CUDA graph: set DistillationOptions.CudaGraph", nameof(step));
        this.step = step;
        graphed = new GraphedFunction(Body, warmupSteps);
    }

    /// <summary>One step on these inputs; returns its loss terms (owned by the caller).</summary>
    public DistillationLossTerms Run(Tensor xt, Tensor t, Tensor tokens, int stepIndex, Tensor? noise = null, Tensor? keptCaption = null)
    {
        Tensor?[] all = [xt, t, tokens, noise, keptCaption];
        var present = all.Select(a => a is not null).ToArray();
        given ??= present;
        if (!given.SequenceEqual(present))
            throw new ArgumentException("a CUDA graph step takes the same optional inputs (noise, kept captions) on every call");
        step.Prepare(stepIndex);
        this.stepIndex = stepIndex;
        var o = graphed.Run(all.OfType<Tensor>().ToArray());
        return new DistillationLossTerms(o[0], o[1], o[2], o[3]);
    }

    private Tensor[] Body(Tensor[] inputs)
    {
        var queue = new Queue<Tensor>(inputs);
        var all = given!.Select(p => p ? queue.Dequeue() : null).ToArray();
        var terms = step.Run(all[0]!, all[1]!, all[2]!, stepIndex, all[3], all[4]);
        return [terms.Total, terms.Output, terms.Feature, terms.Task];
    }

    public void Dispose() => graphed.Dispose();
}
