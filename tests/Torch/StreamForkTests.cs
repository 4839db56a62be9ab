using RandCond.Distillation;
using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>StreamFork off CUDA: a no-op that runs its body in place; a fork without a CUDA device fails naming why. (device-check runs it on a GPU.)</summary>
public class StreamForkTests
{
    [Fact]
    public void OnTheCpuTheSideRunsInPlace()
    {
        using var scope = Torch.NewDisposeScope();
        using var fork = StreamFork.On(Device.CPU);
        Assert.False(fork.IsForked);
        var x = Torch.Arange(4).Float();
        var y = fork.Side(() => x * 2.0);
        Assert.Equal([0f, 2f, 4f, 6f], y.ToArray<float>());
    }

    [Fact]
    public void DisabledForkDoesNotTouchCuda()
    {
        using var fork = StreamFork.On(Device.CUDA(0), enabled: false);
        Assert.False(fork.IsForked);
        Assert.Equal(5, fork.Side(() => 5));
    }

    [Fact]
    public void WithoutACudaDeviceAForkFailsByName()
    {
        if (Cuda.IsAvailable)
        {
            using var fork = StreamFork.On(Device.CUDA(0));
            Assert.True(fork.IsForked);
            return;
        }
        var e = Assert.Throws<TorchException>(() => StreamFork.On(Device.CUDA(0)));
        Assert.Contains(Cuda.IsBuiltWithCuda ? "stream fork: no CUDA device 0" : "CUDA streams need a CUDA build of the native library", e.Message);
    }

    [Fact]
    public void A_lane_outside_the_devices_side_streams_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => StreamFork.On(Device.CPU, lane: StreamFork.Lanes));
        Assert.Contains($"a stream fork's lane is 0..{StreamFork.Lanes - 1}", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamFork.On(Device.CUDA(0), enabled: false, lane: -1));
        using var fork = StreamFork.On(Device.CPU, lane: StreamFork.Lanes - 1);
        Assert.False(fork.IsForked);
    }

    [Fact]
    public void OverlappedTeacherIsOffByDefault() => Assert.False(new DistillationOptions().OverlappedTeacher);
}
