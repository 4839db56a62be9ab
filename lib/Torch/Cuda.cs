using System.Runtime.InteropServices;
using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>CUDA queries. All are safe to call with a CPU-only libtorch (they report no devices).</summary>
public static unsafe class Cuda
{
    /// <summary>True when the native shim was built against a CUDA libtorch.</summary>
    public static bool IsBuiltWithCuda => NativeMethods.rc_built_with_cuda() != 0;

    public static bool IsAvailable => NativeMethods.rc_cuda_is_available() != 0;

    public static int DeviceCount => NativeMethods.rc_cuda_device_count();

    public static void Synchronize(int device = -1) =>
        NativeMethods.Check(NativeMethods.rc_cuda_synchronize(device), "cuda synchronize");

    public static string DeviceName(int device = 0)
    {
        NativeMethods.Check(NativeMethods.rc_cuda_device_name(device, out var p), "cuda device name");
        return Marshal.PtrToStringUTF8(p) ?? "";
    }

    /// <summary>Bytes currently allocated by tensors on the device (the caching allocator's count).</summary>
    public static long MemoryAllocated(int device = 0) => Stats(device)[0];
    public static long MaxMemoryAllocated(int device = 0) => Stats(device)[1];
    public static long MemoryReserved(int device = 0) => Stats(device)[2];

    public static void EmptyCache() => NativeMethods.Check(NativeMethods.rc_cuda_empty_cache(), "cuda empty cache");

    private static long[] Stats(int device)
    {
        var stats = new long[3];
        fixed (long* p = stats) NativeMethods.Check(NativeMethods.rc_cuda_memory_stats(device, p), "cuda memory stats");
        return stats;
    }
}
