using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>How a tensor's elements are laid out in memory; values are c10::MemoryFormat codes.</summary>
public enum MemoryFormat
{
    /// <summary>Row-major (NCHW for images).</summary>
    Contiguous = 0,
    Preserve = 1,
    /// <summary>NHWC for 4-D tensors: what tensor-core convolutions prefer.</summary>
    ChannelsLast = 2,
    ChannelsLast3d = 3,
}

public sealed partial class Tensor
{
    /// <summary>The same values laid out in <paramref name="format"/> (as <c>x.contiguous(memory_format=...)</c>); the shape does not change.</summary>
    public Tensor ToMemoryFormat(MemoryFormat format)
    {
        ArgumentCheck.Defined(format, nameof(format));
        if (format == MemoryFormat.ChannelsLast && Dim != 4)
            throw new ArgumentException($"ToMemoryFormat(ChannelsLast) needs a 4-D tensor; got {Describe()}");
        return Call.TI(Aten.Contiguous, this, (long)format);
    }

    /// <summary>Whether the tensor is laid out densely in <paramref name="format"/>.</summary>
    public bool IsContiguous(MemoryFormat format = MemoryFormat.Contiguous)
    {
        ArgumentCheck.Defined(format, nameof(format));
        NativeMethods.Check(NativePerformanceMethods.rc_tensor_is_contiguous(Handle, (int)format, out int result), "is_contiguous");
        GC.KeepAlive(this);
        return result != 0;
    }
}
