using RandCond.Experiments;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Labs;

public class LabArgumentsTests
{
    [Fact]
    public void Cuda_graphs_are_on_by_default_on_a_cuda_device_and_off_on_the_cpu()
    {
        Assert.True(new LabArguments([]).CudaGraph(Device.CUDA()));
        Assert.False(new LabArguments([]).CudaGraph(Device.CPU));
    }

    [Fact]
    public void An_explicit_cuda_graph_flag_wins_over_the_default()
    {
        Assert.False(new LabArguments(["--cuda-graph", "false"]).CudaGraph(Device.CUDA()));
        Assert.True(new LabArguments(["--cuda-graph", "true"]).CudaGraph(Device.CPU));
    }

    [Fact]
    public void A_cuda_graph_flag_that_is_not_a_boolean_is_refused_by_name()
    {
        var e = Assert.ThrowsAny<Exception>(() => new LabArguments(["--cuda-graph", "yes"]).CudaGraph(Device.CUDA()));
        Assert.Contains("cuda-graph", e.Message);
    }
}
