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
    /// <summary>
    /// The same values laid out in <paramref name="format"/> with exactly its strides (as <c>x.contiguous(memory_format=...)</c>,
    /// which keeps row-major strides where size-1 dimensions make a tensor count as both: a one-channel image batch would then
    /// stay NCHW to cuDNN and make a channels-last network's first convolution return NCHW maps); the shape does not change.
    /// </summary>
    public Tensor ToMemoryFormat(MemoryFormat format)
    {
        ArgumentCheck.Defined(format, nameof(format));
        if (format == MemoryFormat.ChannelsLast && Dim != 4)
            throw new ArgumentException($"ToMemoryFormat(ChannelsLast) needs a 4-D tensor; got {Describe()}");
        NativeMethods.Check(NativePerformanceMethods.rc_tensor_to_memory_format(Handle, (int)format, out var result), "to memory format");
        GC.KeepAlive(this);
        return new Tensor(result);
    }

    /// <summary>
    /// The layout libtorch reads from the strides (<c>suggest_memory_format</c>), which cuDNN and elementwise operators follow:
    /// where size-1 dimensions make a tensor dense in both layouts, the one its strides were made for.
    /// </summary>
    public MemoryFormat SuggestedMemoryFormat
    {
        get
        {
            NativeMethods.Check(NativePerformanceMethods.rc_tensor_suggest_memory_format(Handle, out int result), "suggest_memory_format");
            GC.KeepAlive(this);
            return (MemoryFormat)result;
        }
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
