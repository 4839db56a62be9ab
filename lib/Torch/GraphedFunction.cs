namespace RandCond.Tensors;

/// <summary>
/// A function of CUDA tensors run as a <see cref="CudaGraph"/>: the first <see cref="WarmupCalls"/> calls run it eagerly
/// (making optimizer moments, cuDNN plans and the allocator's blocks); the next one records it on copies of its inputs
/// and replays the recording, and every later call copies its inputs into those copies and replays, one launch for the
/// whole body, so the host's per-operator work drops out. Inputs must keep the recorded count, shapes and types. The
/// body must not read values back to the host, and whatever changes from call to call other than the inputs (a
/// learning rate, a decay) must live in device tensors written outside the graph. Dispose the eager calls' outputs
/// before the recording call: a loss that is still alive keeps its autograd graph, whose gradient-accumulation nodes
/// belong to the default stream, and a backward pass recorded next to them fails ("operation would make the legacy
/// stream depend on a capturing blocking stream").
/// </summary>
public sealed class GraphedFunction : IDisposable
{
    private readonly Func<Tensor[], Tensor[]> body;
    private readonly CudaGraph graph = new();
    private Tensor[]? inputs;
    private Tensor[]? outputs;
    private int eagerCalls;

    /// <param name="body">the work: input tensors to output tensors (owned by the caller on eager calls)</param>
    public GraphedFunction(Func<Tensor[], Tensor[]> body, int warmupCalls = 1)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (warmupCalls < 1) throw new ArgumentOutOfRangeException(nameof(warmupCalls), warmupCalls, "at least one eager call must precede the recording");
        (this.body, WarmupCalls) = (body, warmupCalls);
    }

    public int WarmupCalls { get; }
    public bool IsCaptured => graph.IsCaptured;

    /// <summary>The body's outputs for <paramref name="given"/> (CUDA tensors, not modified); the caller owns them.</summary>
    public Tensor[] Run(params Tensor[] given)
    {
        if (given.Length == 0) throw new ArgumentException("a graphed function takes at least one input tensor", nameof(given));
        var device = given[0].Device;
        if (given.FirstOrDefault(g => !g.Device.IsCuda) is { } notCuda)
            throw new ArgumentException($"a graphed function runs on a CUDA device; an input is {notCuda.Describe()} on {notCuda.Device}", nameof(given));
        if (eagerCalls < WarmupCalls)
        {
            eagerCalls++;
            return body(given);
        }
        if (inputs is null) Record(device, given);
        else
        {
            if (given.Length != inputs.Length)
                throw new ArgumentException($"a graphed function takes the {inputs.Length} inputs it was recorded with; got {given.Length}", nameof(given));
            for (int i = 0; i < given.Length; i++)
            {
                if (!given[i].Shape.SequenceEqual(inputs[i].Shape) || given[i].DType != inputs[i].DType)
                    throw new ArgumentException($"a graphed function takes inputs like those it was recorded with: input {i} is {given[i].Describe()}, recorded {inputs[i].Describe()}", nameof(given));
                inputs[i].CopyFrom(given[i]);
            }
        }
        graph.Replay();
        return outputs!.Select(o => o.Clone()).ToArray();
    }

    private void Record(Device device, Tensor[] given)
    {
        var recorded = given.Select(g => g.Clone().DetachFromDisposeScope()).ToArray();
        try
        {
            outputs = graph.Capture(device, () => body(recorded).Select(o => o.DetachFromDisposeScope()).ToArray());
        }
        catch
        {
            foreach (var t in recorded) t.Dispose();
            throw;
        }
        inputs = recorded;
    }

    public void Dispose()
    {
        graph.Dispose();
        if (outputs is not null) foreach (var t in outputs) t.Dispose();
        if (inputs is not null) foreach (var t in inputs) t.Dispose();
    }
}
