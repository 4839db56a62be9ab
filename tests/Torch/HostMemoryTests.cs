using RandCond.Nn;
using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>The host malloc policy the shim applies when it loads: on by default, and freed tensors' pages reused.</summary>
public class HostMemoryTests
{
    [Fact]
    public void FreedBlocksAreRetainedByDefault()
    {
        Assert.True(HostMemory.Retained, $"the shim did not retain host memory: {HostMemory.Describe()}");
        Assert.StartsWith("retained (malloc: blocks up to 32 MiB", HostMemory.Describe());
        Assert.Equal("glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824", HostMemory.GlibcTunables);
    }

    /// <summary>
    /// Training steps of a small conv net (batch 64 of 28x28, as randcond-bench convnet-step): with glibc's defaults each
    /// step faults its activations' pages in again (about 7,900 faults a step in that benchmark, in C# and PyTorch alike);
    /// retained, the steps after the first reuse the same heap (59 a step).
    /// </summary>
    [Fact]
    public void TrainingStepsReuseTheirPages()
    {
        const int steps = 8;
        Torch.ManualSeed(0);
        using var x = Torch.Randn([64, 1, 28, 28]);
        using var y = Torch.Randint(0, 10, [64]);
        using var model = new Sequential(
            new Conv2d(1, 32, 3, padding: 1), new SiLU(),
            new Conv2d(32, 64, 3, stride: 2, padding: 1), new SiLU(),
            new Flatten(), new Linear(64 * 14 * 14, 10));
        using var opt = new AdamW(model);
        void Step()
        {
            using var scope = Torch.NewDisposeScope();
            opt.ZeroGrad();
            F.CrossEntropy(model.Forward(x), y).Backward();
            opt.Step();
        }
        Step();
        Step();
        long before = HostMemory.MinorPageFaults;
        for (int i = 0; i < steps; i++) Step();
        long perStep = (HostMemory.MinorPageFaults - before) / steps;
        Assert.True(perStep < 500, $"{perStep} minor page faults per training step: freed activations are not reused ({HostMemory.Describe()})");
    }
}
