using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>
/// A Kineto profile of what libtorch runs, as <c>torch.profiler</c> records it: operators on the host and, with
/// <c>cuda</c>, every kernel on the GPU (replayed CUDA graphs included). Disposing stops it and writes a Chrome trace
/// (open it in Perfetto or chrome://tracing; <see cref="KernelTrace"/> sums its kernels). One profile at a time per process.
/// </summary>
public sealed class Profiler : IDisposable
{
    private readonly string tracePath;
    private bool running;

    private static readonly Lazy<bool> available = new(Probe);

    private Profiler(string tracePath, bool cuda)
    {
        if (!IsAvailable)
            throw new NotSupportedException("profiling needs a libtorch built with Kineto (USE_KINETO=1), as the pip and conda torch packages are; " +
                                            "this one (Debian's CPU libtorch, for one) cannot save a trace");
        this.tracePath = Path.GetFullPath(tracePath);
        Directory.CreateDirectory(Path.GetDirectoryName(this.tracePath)!);
        NativeMethods.Check(NativeProfilerMethods.rc_profiler_start(cuda ? 1 : 0), "start the profiler");
        running = true;
    }

    /// <summary>Starts profiling; the trace goes to <paramref name="tracePath"/> when the result is disposed.</summary>
    public static Profiler Start(string tracePath, bool cuda) => new(tracePath, cuda);

    public string TracePath => tracePath;

    /// <summary>Whether this libtorch can save a trace (it was built with Kineto); found once by saving an empty profile.</summary>
    public static bool IsAvailable => available.Value;

    private static bool Probe()
    {
        string path = Path.Combine(Path.GetTempPath(), $"randcond-profiler-probe-{Environment.ProcessId}.json");
        try
        {
            NativeMethods.Check(NativeProfilerMethods.rc_profiler_start(0), "start the profiler");
            return NativeProfilerMethods.rc_profiler_stop(path) == 0;
        }
        catch (TorchException) { return false; }
        finally { File.Delete(path); }
    }

    public void Dispose()
    {
        if (!running) return;
        running = false;
        // Written beside the target and renamed, so an interrupted save leaves no half-written trace.
        string partial = tracePath + ".partial";
        NativeMethods.Check(NativeProfilerMethods.rc_profiler_stop(partial), $"stop the profiler and save {tracePath}");
        File.Move(partial, tracePath, overwrite: true);
    }
}
