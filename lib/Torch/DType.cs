namespace RandCond.Tensors;

/// <summary>Element types; values are libtorch's c10::ScalarType codes.</summary>
public enum DType
{
    UInt8 = 0, Int8 = 1, Int16 = 2, Int32 = 3, Int64 = 4, Float16 = 5, Float32 = 6, Float64 = 7,
    Bool = 11, BFloat16 = 15,
}

public static class DTypeExtensions
{
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float16 or DType.BFloat16 or DType.Float32 or DType.Float64;

    /// <summary>The dtype name as PyTorch and safetensors spell it (F32, BF16, ...).</summary>
    public static string SafetensorsName(this DType dtype) => dtype switch
    {
        DType.UInt8 => "U8", DType.Int8 => "I8", DType.Int16 => "I16", DType.Int32 => "I32", DType.Int64 => "I64",
        DType.Float16 => "F16", DType.BFloat16 => "BF16", DType.Float32 => "F32", DType.Float64 => "F64",
        DType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no safetensors name"),
    };

    public static DType? FromSafetensorsName(string name) => name switch
    {
        "U8" => DType.UInt8, "I8" => DType.Int8, "I16" => DType.Int16, "I32" => DType.Int32, "I64" => DType.Int64,
        "F16" => DType.Float16, "BF16" => DType.BFloat16, "F32" => DType.Float32, "F64" => DType.Float64,
        "BOOL" => DType.Bool,
        _ => null,
    };

    internal static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32 :
        typeof(T) == typeof(double) ? DType.Float64 :
        typeof(T) == typeof(long) ? DType.Int64 :
        typeof(T) == typeof(int) ? DType.Int32 :
        typeof(T) == typeof(short) ? DType.Int16 :
        typeof(T) == typeof(byte) ? DType.UInt8 :
        typeof(T) == typeof(sbyte) ? DType.Int8 :
        typeof(T) == typeof(bool) ? DType.Bool :
        typeof(T) == typeof(Half) ? DType.Float16 :
        throw new NotSupportedException($"no tensor dtype for {typeof(T).Name}");
}
