using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>
/// The BLAS under libtorch's CPU matrix products (lib/native/rc_blas_threads.cpp). Debian's libtorch uses OpenBLAS with a
/// pthread pool of its own, whose workers spin after every product for the cores libtorch's OpenMP threads need next;
/// when the shim loads it sets that OpenBLAS to one thread (the main job's step on two cores: 2.2x faster), unless the
/// environment names OPENBLAS_NUM_THREADS. Raise <see cref="Threads"/> for work made of large matrix products.
/// </summary>
public static class Blas
{
    /// <summary>"OpenBLAS (pthreads)", "OpenBLAS (OpenMP)", "OpenBLAS (sequential)", or "not OpenBLAS" (MKL in pip's torch).</summary>
    public static string Library => Read().Kind switch
    {
        -1 => "not OpenBLAS",
        0 => "OpenBLAS (sequential)",
        1 => "OpenBLAS (pthreads)",
        2 => "OpenBLAS (OpenMP)",
        var k => $"OpenBLAS (parallel mode {k})",
    };

    /// <summary>Whether the shim set a pthread OpenBLAS to one thread when it loaded.</summary>
    public static bool PinnedToOneThread => Read().Pinned;

    /// <summary>OpenBLAS's threads (0 where the BLAS is not OpenBLAS); setting it needs OpenBLAS.</summary>
    public static int Threads
    {
        get => Read().Threads;
        set => NativeMethods.Check(NativeMethods.rc_set_blas_threads(value), "set BLAS threads");
    }

    /// <summary>The BLAS in words, for run logs and benchmark records: "OpenBLAS (pthreads), 1 thread (set by RandCond)".</summary>
    public static string Describe()
    {
        var (kind, threads, pinned) = Read();
        return kind < 0 ? Library : $"{Library}, {threads} thread{(threads == 1 ? "" : "s")}{(pinned ? " (set by RandCond at load)" : "")}";
    }

    private static (int Kind, int Threads, bool Pinned) Read()
    {
        NativeMethods.Check(NativeMethods.rc_blas_threads(out int kind, out int threads, out int pinned), "BLAS threads");
        return (kind, threads, pinned != 0);
    }
}
