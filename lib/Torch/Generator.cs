using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>A seeded random stream, passed to random operators so runs are reproducible independently of the global seed.</summary>
public sealed class Generator : IDisposable
{
    private IntPtr handle;

    public Generator(ulong seed, Device? device = null)
    {
        var d = device ?? Device.CPU;
        NativeMethods.Check(NativeMethods.rc_generator_new((int)d.Type, d.Index, seed, out handle), "Generator");
        Device = d;
    }

    public Device Device { get; }

    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Generator));

    public void Seed(ulong seed) => NativeMethods.Check(NativeMethods.rc_generator_set_seed(Handle, seed), "Generator.Seed");

    public void Dispose()
    {
        var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
        if (h != IntPtr.Zero) NativeMethods.rc_generator_free(h);
        GC.SuppressFinalize(this);
    }

    ~Generator() => Dispose();
}
