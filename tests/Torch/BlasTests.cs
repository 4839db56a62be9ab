using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>OpenBLAS's threads: one when the shim loads (Debian's pthread OpenBLAS, which setup installs), and settable.</summary>
public class BlasTests
{
    [Fact]
    public void DebiansPthreadOpenBlasRunsOnOneThreadAfterLoad()
    {
        Assert.Null(Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS"));
        Assert.Equal("OpenBLAS (pthreads)", Blas.Library);
        Assert.True(Blas.PinnedToOneThread, Blas.Describe());
        Assert.Equal(1, Blas.Threads);
        Assert.Equal("OpenBLAS (pthreads), 1 thread (set by RandCond at load)", Blas.Describe());
    }

    [Fact]
    public void ThreadsCanBeRaisedAndAreCheckedAndProductsAgree()
    {
        using var a = Torch.Randn([300, 200]);
        using var b = Torch.Randn([200, 100]);
        using var single = a.MatMul(b);
        try
        {
            Blas.Threads = 2;
            Assert.Equal(2, Blas.Threads);
            using var two = a.MatMul(b);
            using (Torch.NewDisposeScope()) Assert.True((two - single).Abs().Max().Item() < 1e-4);
            var e = Assert.Throws<TorchException>(() => Blas.Threads = 0);
            Assert.Contains("BLAS threads must be at least 1, got 0", e.Message);
            Assert.Equal(2, Blas.Threads);
        }
        finally
        {
            Blas.Threads = 1;
        }
    }
}
