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

    /// <summary>True when this libtorch registers the operator (schemas differ between libtorch versions).</summary>
    public unsafe bool Exists
    {
        get
        {
            if (pointer != IntPtr.Zero) return true;
            var name = Encoding.UTF8.GetBytes(Name + "\0");
            var overload = Encoding.UTF8.GetBytes(Overload + "\0");
            fixed (byte* n = name)
            fixed (byte* o = overload)
                return NativeMethods.rc_op_exists(n, o) != 0;
        }
    }

    /// <summary>The operator's schema as libtorch prints it.</summary>
    public string Schema => Marshal.PtrToStringUTF8(NativeMethods.rc_op_schema(Pointer)) ?? "";

    public override string ToString() => FullName;
}
