using RandCond.Tensors;

namespace RandCond.Tests.Diffusion;

/// <summary>
/// Runs libtorch on one intra-op thread until disposed. The toy tensors are tiny (tens of thousands of
/// elements), so extra threads only add synchronization, which on a shared, oversubscribed machine made
/// each op about 20x slower (measured: a 100-step DDIM run took 14-48 s on 2 threads, 1.0-1.4 s on 1).
/// </summary>
internal sealed class SingleThreaded : IDisposable
{
    private readonly int previous = Torch.NumThreads;

    public SingleThreaded() => Torch.NumThreads = 1;

    public void Dispose() => Torch.NumThreads = previous;
}
