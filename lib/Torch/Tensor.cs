using System.Runtime.InteropServices;
using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>
/// A libtorch tensor. Disposable: dispose it, or create it inside a <see cref="DisposeScope"/>
/// (<c>using var scope = Torch.NewDisposeScope();</c>), so native and GPU memory is freed deterministically.
/// Operators and methods follow PyTorch's names in PascalCase; anything else is reachable through
/// <see cref="Torch.Op(string, string, object?[])"/>.
/// </summary>
[RandCond.Plotting.TypeFormatterSource(typeof(RandCond.Plotting.TensorFormatterSource), PreferredMimeTypes = new[] { "text/plain" })]
public sealed partial class Tensor : IDisposable
{
    private static long live;
    private IntPtr handle;

    internal Tensor(IntPtr native)
    {
        handle = native;
        Interlocked.Increment(ref live);
        DisposeScope.Register(this);
    }

    // One object per tensor, no SafeHandle: operator calls keep their Tensor arguments reachable until the
    // native call returns (see OpArgs), so the finalizer cannot free a handle that is in use.
    ~Tensor() => Release();

    internal DisposeScope? Scope { get; set; }

    /// <summary>Live tensor handles in this process (all threads).</summary>
    public static long LiveCount => Interlocked.Read(ref live);

    internal IntPtr Handle
    {
        get
        {
            var h = handle;
            if (h == IntPtr.Zero) throw new ObjectDisposedException(nameof(Tensor), "this tensor was disposed (by Dispose or by the DisposeScope that owned it)");
            return h;
        }
    }

    public bool IsDisposed => handle == IntPtr.Zero;

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
        if (h == IntPtr.Zero) return;
        NativeMethods.rc_tensor_free(h);
        Interlocked.Decrement(ref live);
    }

    /// <summary>Keeps this tensor alive past the innermost scope by handing it to the scope outside it (or to none).</summary>
    public Tensor MoveToOuterScope()
    {
        var outer = Scope?.Outer;
        Scope = null;
        outer?.Adopt(this);
        return this;
    }

    /// <summary>Removes this tensor from every dispose scope: the caller now owns it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope = null;
        return this;
    }

    // ---- metadata ----

    private unsafe void Meta(long* meta, long* shape, int cap) =>
        NativeMethods.Check(NativeMethods.rc_tensor_meta(Handle, meta, shape, cap), "tensor metadata");

    public unsafe long[] Shape
    {
        get
        {
            long* meta = stackalloc long[8];
            long* dims = stackalloc long[16];
            Meta(meta, dims, 16);
            var shape = new long[meta[0]];
            if (shape.Length > 16) { fixed (long* p = shape) Meta(meta, p, shape.Length); }
            else for (int i = 0; i < shape.Length; i++) shape[i] = dims[i];
            return shape;
        }
    }

    private unsafe long MetaField(int index)
    {
        long* meta = stackalloc long[8];
        Meta(meta, null, 0);
        return meta[index];
    }

    public long Dim => MetaField(0);
    public DType DType => (DType)MetaField(1);
    public long NumEl => MetaField(5);
    public bool IsLeaf => MetaField(6) != 0;

    public unsafe Device Device
    {
        get
        {
            long* meta = stackalloc long[8];
            Meta(meta, null, 0);
            return new Device((DeviceType)meta[2], (int)meta[3]);
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        int index = dim < 0 ? dim + shape.Length : dim;
        if (index < 0 || index >= shape.Length)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, shape.Length == 0
                ? $"Size({dim}): a 0-dimensional tensor ({Describe()}) has no dimensions"
                : $"Size({dim}): dimension {dim} is out of range for the {shape.Length}-dimensional tensor {Describe()} (valid: {-shape.Length}..{shape.Length - 1})");
        return shape[index];
    }

    // ---- host data ----

    /// <summary>Copies the elements to a new array (moving to the CPU and making contiguous as needed).</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var dtype = DType;
        if (DTypeExtensions.Of<T>() != dtype)
            throw new ArgumentException($"ToArray<{typeof(T).Name}> on a tensor of dtype {dtype}; convert with .To(DType.{DTypeExtensions.Of<T>()}) first");
        var result = new T[NumEl];
        fixed (T* p = result)
            NativeMethods.Check(NativeMethods.rc_tensor_to_host(Handle, p, (long)result.Length * sizeof(T)), "ToArray");
        return result;
    }

    /// <summary>The raw little-endian bytes of the elements in row-major order (any dtype, any device).</summary>
    public unsafe byte[] ToBytes()
    {
        var bytes = new byte[NumEl * DType.ElementSize()];
        fixed (byte* p = bytes)
            NativeMethods.Check(NativeMethods.rc_tensor_to_host(Handle, p, bytes.Length), "ToBytes");
        return bytes;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        NativeMethods.Check(NativeMethods.rc_tensor_item(Handle, out var value), "Item");
        return value;
    }

    public float ItemFloat() => (float)Item();
    public long ItemLong() => (long)Item();

    public override string ToString()
    {
        if (IsDisposed) return "Tensor(disposed)";
        NativeMethods.Check(NativeMethods.rc_tensor_to_string(Handle, out var text), "ToString");
        return Marshal.PtrToStringUTF8(text) ?? "";
    }

    /// <summary>"Float32[2, 3] cpu" — a short description that does not print the values.</summary>
    public string Describe() => IsDisposed ? "Tensor(disposed)" : $"{DType}[{string.Join(", ", Shape)}] {Device}";

    /// <summary>A second handle to the same tensor (shares storage and autograd history).</summary>
    public Tensor Alias()
    {
        NativeMethods.Check(NativeMethods.rc_tensor_clone_handle(Handle, out var h), "Alias");
        return new Tensor(h);
    }
}
