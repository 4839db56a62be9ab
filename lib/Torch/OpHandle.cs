using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>A libtorch operator by schema name and overload, looked up in the dispatcher once, on first use.</summary>
public sealed class OpHandle
{
    private IntPtr pointer;

    public OpHandle(string name, string overload = "")
    {
        Name = name;
        Overload = overload;
    }

    private static readonly ConcurrentDictionary<(string Name, string Overload), OpHandle> shared = new();

    /// <summary>
    /// The one handle for (name, overload) in this process, resolved on first use, so that calls by name
    /// (<see cref="Torch.Op"/>) look the operator up once. Names that resolve to no operator throw and are not kept.
    /// </summary>
    internal static OpHandle Cached(string name, string overload)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(overload);
        if (shared.TryGetValue((name, overload), out var op)) return op;
        op = new OpHandle(name, overload);
        _ = op.Pointer;
        return shared.GetOrAdd((name, overload), op);
    }

    public string Name { get; }
    public string Overload { get; }
    public string FullName => Overload.Length == 0 ? Name : $"{Name}.{Overload}";

    internal IntPtr Pointer => pointer != IntPtr.Zero ? pointer : Resolve();

    private unsafe IntPtr Resolve()
    {
        var name = Encoding.UTF8.GetBytes(Name + "\0");
        var overload = Encoding.UTF8.GetBytes(Overload + "\0");
        fixed (byte* n = name)
        fixed (byte* o = overload)
        {
            NativeMethods.Check(NativeMethods.rc_op_find(n, o, out var p), FullName);
            pointer = p;
        }
        return pointer;
    }

    private int exists = -1; // -1 not yet asked, 0 no, 1 yes: asked once, since hot paths branch on it

    /// <summary>True when this libtorch registers the operator (schemas differ between libtorch versions).</summary>
    public unsafe bool Exists
    {
        get
        {
            if (pointer != IntPtr.Zero) return true;
            if (exists >= 0) return exists == 1;
            var name = Encoding.UTF8.GetBytes(Name + "\0");
            var overload = Encoding.UTF8.GetBytes(Overload + "\0");
            fixed (byte* n = name)
            fixed (byte* o = overload)
                exists = NativeMethods.rc_op_exists(n, o) != 0 ? 1 : 0;
            return exists == 1;
        }
    }

    /// <summary>The operator's schema as libtorch prints it.</summary>
    public string Schema => Marshal.PtrToStringUTF8(NativeMethods.rc_op_schema(Pointer)) ?? "";

    public override string ToString() => FullName;
}
