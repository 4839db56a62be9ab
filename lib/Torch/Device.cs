namespace RandCond.Tensors;

/// <summary>Device kinds; values are libtorch's c10::DeviceType codes.</summary>
public enum DeviceType { CPU = 0, CUDA = 1 }

/// <summary>A device: CPU, or CUDA with an index. Parses "cpu", "cuda", "cuda:1".</summary>
public readonly record struct Device
{
    /// <summary>The largest device index libtorch represents (its indices are 8-bit).</summary>
    public const int MaxIndex = sbyte.MaxValue;

    public Device(DeviceType type, int index = 0)
    {
        ArgumentCheck.Defined(type, nameof(type));
        if (index < 0 || index > MaxIndex)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index: device index {index} is outside 0..{MaxIndex}");
        if (type == DeviceType.CPU && index != 0)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index: the CPU device has index 0, not {index}");
        Type = type;
        Index = index;
    }

    public DeviceType Type { get; }
    public int Index { get; }

    public static readonly Device CPU = new(DeviceType.CPU);
    public static Device CUDA(int index = 0) => new(DeviceType.CUDA, index);

    public bool IsCuda => Type == DeviceType.CUDA;

    public static Device Parse(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return CPU;
        if (s == "cuda") return CUDA();
        if (s.StartsWith("cuda:") && int.TryParse(s[5..], out var i) && i is >= 0 and <= MaxIndex) return CUDA(i);
        throw new FormatException($"unknown device '{text}': expected cpu, cuda or cuda:N");
    }

    /// <summary>CUDA device 0 if a CUDA libtorch and a GPU are present, else the CPU.</summary>
    public static Device Best => Cuda.IsAvailable ? CUDA() : CPU;

    public override string ToString() => Type == DeviceType.CPU ? "cpu" : $"cuda:{Index}";
}
