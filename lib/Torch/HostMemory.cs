using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>
/// How the process's freed host memory is reused (lib/native/rc_host_memory.cpp). libtorch takes every CPU tensor from
/// malloc, and glibc by default maps a large block afresh and unmaps it on free, so a training step on the CPU faults
/// its activations' pages in again each time. When the native shim loads it keeps blocks up to 32 MiB on the heap and
/// freed heap memory in the process, unless the environment variable <c>RANDCOND_HOST_MEMORY</c> is <c>release</c>
/// (glibc's defaults). A Python process gets the same policy from <see cref="GlibcTunables"/>.
/// </summary>
public static class HostMemory
{
    /// <summary>Whether freed blocks are retained for reuse (the default; false with RANDCOND_HOST_MEMORY=release or off glibc).</summary>
    public static bool Retained => Read().State == 1;

    /// <summary>The policy in words, for run logs and benchmark records.</summary>
    public static string Describe()
    {
        var (state, mmap, trim) = Read();
        return state switch
        {
            1 => $"retained (malloc: blocks up to {mmap >> 20} MiB on the heap, freed heap kept up to {trim >> 20} MiB)",
            0 => "released (glibc's malloc defaults)",
            -1 => "released (glibc refused the retaining thresholds)",
            _ => "released (RANDCOND_HOST_MEMORY has a value other than 'retain' or 'release')",
        };
    }

    /// <summary>The same malloc thresholds for another process on glibc 2.26 or later, as its GLIBC_TUNABLES value.</summary>
    public static string GlibcTunables
    {
        get
        {
            var (_, mmap, trim) = Read();
            return $"glibc.malloc.mmap_threshold={mmap}:glibc.malloc.trim_threshold={trim}";
        }
    }

    /// <summary>Minor page faults of this process so far (getrusage): the cost the policy removes.</summary>
    public static long MinorPageFaults
    {
        get
        {
            NativeMethods.Check(NativeMethods.rc_host_page_faults(out long minor, out _), "host page faults");
            return minor;
        }
    }

    private static (int State, long MmapThreshold, long TrimThreshold) Read()
    {
        NativeMethods.Check(NativeMethods.rc_host_memory_policy(out int state, out long mmap, out long trim), "host memory policy");
        return (state, mmap, trim);
    }
}
