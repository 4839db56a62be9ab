using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>Tags of rc_value (rc_api.h).</summary>
internal enum NativeTag : int
{
    None = 0, Tensor = 1, TensorList = 2, Int = 3, IntList = 4, Double = 5, DoubleList = 6,
    Bool = 7, String = 8, Device = 9, Generator = 10, BoolList = 11,
}

/// <summary>One tagged argument or result of a boxed operator call; layout matches rc_value.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct NativeValue
{
    [FieldOffset(0)] public NativeTag Tag;
    [FieldOffset(4)] public int Length;
    [FieldOffset(8)] public long Int;
    [FieldOffset(8)] public double Double;
    [FieldOffset(8)] public IntPtr Pointer;
}
