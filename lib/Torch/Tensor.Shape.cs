using RandCond.Tensors.Native;

namespace RandCond.Tensors;

public sealed partial class Tensor
{
    public Tensor View(params long[] shape) => Call.TL(Aten.View, this, shape);
    public Tensor Reshape(params long[] shape) => Call.TL(Aten.Reshape, this, shape);
    public Tensor Permute(params long[] dims) => Call.TL(Aten.Permute, this, dims);
    public Tensor Flip(params long[] dims) => Call.TL(Aten.Flip, this, dims);
    public Tensor Expand(params long[] shape) => Call.TL(Aten.Expand, this, shape);
    public Tensor Repeat(params long[] repeats) => Call.TL(Aten.Repeat, this, repeats);
    public Tensor Unsqueeze(long dim) => Call.TI(Aten.Unsqueeze, this, dim);
    public Tensor Squeeze(long dim) => Call.TI(Aten.SqueezeDim, this, dim);
    public Tensor Squeeze() => Call.T(Aten.Squeeze, this);
    public Tensor Contiguous() => Call.T(Aten.Contiguous, this);
    public Tensor Clone() => Call.T(Aten.Clone, this);
    public Tensor Tril(long diagonal = 0) => Call.TI(Aten.Tril, this, diagonal);
    public Tensor Triu(long diagonal = 0) => Call.TI(Aten.Triu, this, diagonal);
    public Tensor OneHot(long numClasses) => Call.TI(Aten.OneHot, this, numClasses);
    public Tensor ExpandAs(Tensor other) => Expand(other.Shape);

    public Tensor Transpose(long dim0, long dim1)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(dim0);
        x.Add(dim1);
        return x.Call(Aten.Transpose);
    }

    /// <summary>Matrix transpose of the last two dimensions.</summary>
    public Tensor T => Transpose(-2, -1);

    public Tensor Flatten(long startDim = 0, long endDim = -1)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(startDim);
        x.Add(endDim);
        return x.Call(Aten.Flatten);
    }

    public Tensor Narrow(long dim, long start, long length)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(this);
        x.Add(dim);
        x.Add(start);
        x.Add(length);
        return x.Call(Aten.Narrow);
    }

    /// <summary>Elements start, start+step, ... before end along dim (end = null: to the end).</summary>
    public Tensor Slice(long dim, long? start, long? end, long step = 1)
    {
        var x = new OpArgs(stackalloc NativeValue[5]);
        x.Add(this);
        x.Add(dim);
        x.Add(start);
        x.Add(end);
        x.Add(step);
        return x.Call(Aten.Slice);
    }

    public Tensor Select(long dim, long index)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(dim);
        x.Add(index);
        return x.Call(Aten.Select);
    }

    public Tensor IndexSelect(long dim, Tensor index)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(dim);
        x.Add(index);
        return x.Call(Aten.IndexSelect);
    }

    public Tensor Gather(long dim, Tensor index)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(dim);
        x.Add(index);
        return x.Call(Aten.Gather);
    }

    public Tensor[] Chunk(long chunks, long dim = 0)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(chunks);
        x.Add(dim);
        return x.CallMany(Aten.Chunk);
    }

    public Tensor[] Split(long size, long dim = 0)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(size);
        x.Add(dim);
        return x.CallMany(Aten.Split);
    }

    public Tensor RepeatInterleave(long repeats, long dim)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(repeats);
        x.Add(dim);
        return x.Call(Aten.RepeatInterleave);
    }

    public Tensor Roll(long shift, long dim)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add([shift]);
        x.Add([dim]);
        return x.Call(Aten.Roll);
    }

    /// <summary>Advanced indexing: x[i0, i1, ...] with index tensors (null = take the whole dimension).</summary>
    public Tensor Index(params Tensor?[] indices)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(this);
        x.Add(indices);
        return x.Call(Aten.Index);
    }

    /// <summary>x[indices] = values, in place (accumulate adds instead of writing).</summary>
    public Tensor IndexPutInPlace(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(this);
        x.Add(indices);
        x.Add(values);
        x.Add(accumulate);
        x.CallInPlace(Aten.IndexPutIn);
        return this;
    }

    /// <summary>x[i]: selects index i of the first dimension (negative counts from the end).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[long i] => Select(0, i);

    /// <summary>x[a..b]: a slice of the first dimension.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Range range]
    {
        get
        {
            if (Dim == 0) throw new ArgumentException($"[{range}]: a 0-dimensional tensor ({Describe()}) cannot be sliced", nameof(range));
            long n = Size(0);
            long start = range.Start.IsFromEnd ? n - range.Start.Value : range.Start.Value;
            long end = range.End.IsFromEnd ? n - range.End.Value : range.End.Value;
            if (start < 0 || end > n || start > end)
                throw new ArgumentOutOfRangeException(nameof(range), range,
                    $"[{range}]: the range {start}..{end} does not lie within dimension 0 of size {n} ({Describe()})");
            return Slice(0, start, end);
        }
    }

    /// <summary>x[index]: rows of the first dimension picked by an integer tensor, or by a Bool mask.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Tensor index] => Index(index);

    // ---- conversion ----

    public Tensor To(DType dtype)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(this);
        x.Add(dtype);
        return x.Call(Aten.ToDType);
    }

    public Tensor To(Device device, DType? dtype = null, bool nonBlocking = false)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(this);
        x.Add(device);
        x.Add(dtype ?? DType);
        x.Add(nonBlocking);
        return x.Call(Aten.ToDevice);
    }

    public Tensor Float() => To(DType.Float32);
    public Tensor Double() => To(DType.Float64);
    public Tensor Long() => To(DType.Int64);
    public Tensor Cpu() => To(Device.CPU);
    public Tensor Cuda(int index = 0) => To(RandCond.Tensors.Device.CUDA(index));
}
