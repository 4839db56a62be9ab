namespace RandCond.Tensors;

/// <summary>Device kinds; values are libtorch's c10::DeviceType codes.</summary>
public enum DeviceType { CPU = 0, CUDA = 1 }

/// <summary>A device: CPU, or CUDA with an index. Parses "cpu", "cuda", "cuda:1".</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    public static readonly Device CPU = new(DeviceType.CPU);
    public static Device CUDA(int index = 0) => new(DeviceType.CUDA, index);

    public bool IsCuda => Type == DeviceType.CUDA;

    public static Device Parse(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return CPU;
        if (s == "cuda") return CUDA();
        if (s.StartsWith("cuda:") && int.TryParse(s[5..], out var i) && i >= 0) return CUDA(i);
        throw new FormatException($"unknown device '{text}': expected cpu, cuda or cuda:N");
    }

    /// <summary>CUDA device 0 if a CUDA libtorch and a GPU are present, else the CPU.</summary>
    public static Device Best => Cuda.IsAvailable ? CUDA() : CPU;

    public override string ToString() => Type == DeviceType.CPU ? "cpu" : $"cuda:{Index}";
}
