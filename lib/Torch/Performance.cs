using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>
/// Process-wide precision switches, as <c>torch.backends.cuda.matmul.allow_tf32</c> and <c>torch.backends.cudnn.allow_tf32</c>:
/// TF32 tensor cores for float32 matrix products (cuBLAS) and convolutions (cuDNN). libtorch starts with matmul
/// TF32 off and convolution TF32 on. Both only change CUDA kernels; on the CPU they are recorded and ignored.
/// </summary>
public static class Tf32
{
    public static bool Matmul
    {
        get => Read().Cublas;
        set => Set(value, Convolution);
    }

    public static bool Convolution
    {
        get => Read().Cudnn;
        set => Set(Matmul, value);
    }

    /// <summary>Sets both switches.</summary>
    public static void Set(bool matmul, bool convolution) =>
        NativeMethods.Check(NativePerformanceMethods.rc_set_allow_tf32(matmul ? 1 : 0, convolution ? 1 : 0), "set TF32");

    private static (bool Cublas, bool Cudnn) Read()
    {
        NativeMethods.Check(NativePerformanceMethods.rc_get_allow_tf32(out int cublas, out int cudnn), "get TF32");
        return (cublas != 0, cudnn != 0);
    }
}

/// <summary>
/// Automatic mixed precision on this thread until disposed, as <c>with torch.autocast(device_type, dtype)</c>: matrix
/// products and convolutions run in <see cref="DType"/> (BFloat16 or Float16), precision-sensitive operators
/// (normalizations, softmax, losses) in float32. Run the backward pass after the scope, as in PyTorch.
/// Scopes nest; disposing restores the state the scope found. Within the outermost scope, libtorch casts a parameter
/// that requires grad once and reuses the cast (a CUDA graph's capture cannot); frozen parameters are cast at every
/// use. Freeze a model before sampling it under autocast: the sample benchmark measured the block-removed student's
/// eager bf16 images 0.81 (on [-1, 1]) away from its frozen ones after 50 DDIM steps, where frozen eager, replayed and
/// the teacher's runs agree bit for bit; one call differs only under no-grad (results/benchmarks-gpu/sample-replay-probe-cuda.json).
/// </summary>
public readonly struct AutocastScope : IDisposable
{
    private readonly DeviceType device;
    private readonly int previousEnabled;
    private readonly int previousDtype;

    internal AutocastScope(DeviceType device, DType dtype, bool enabled)
    {
        if (dtype is not (DType.BFloat16 or DType.Float16))
            throw new ArgumentException($"autocast: the dtype must be BFloat16 or Float16, got {dtype}", nameof(dtype));
        NativeMethods.Check(NativePerformanceMethods.rc_autocast_state((int)device, out previousEnabled, out previousDtype), "autocast state");
        NativeMethods.Check(NativePerformanceMethods.rc_autocast_enter((int)device, enabled ? 1 : 0, (int)dtype), "autocast enter");
        this.device = device;
        DType = dtype;
        Enabled = enabled;
    }

    public DType DType { get; }
    public bool Enabled { get; }

    /// <summary>Whether autocast is on for the device type on this thread, and its dtype.</summary>
    public static (bool Enabled, DType DType) State(DeviceType device)
    {
        ArgumentCheck.Defined(device, nameof(device));
        NativeMethods.Check(NativePerformanceMethods.rc_autocast_state((int)device, out int enabled, out int dtype), "autocast state");
        return (enabled != 0, (DType)dtype);
    }

    public void Dispose()
    {
        if (DType == default) return;   // a default-constructed scope entered nothing
        NativeMethods.Check(NativePerformanceMethods.rc_autocast_exit((int)device, previousEnabled, previousDtype), "autocast exit");
    }
}

public static partial class Torch
{
    /// <summary>
    /// Mixed precision for operators on <paramref name="device"/>'s type until disposed (see <see cref="AutocastScope"/>);
    /// <paramref name="enabled"/> = false opens a scope that turns it off (as <c>torch.autocast(..., enabled=False)</c>).
    /// </summary>
    public static AutocastScope Autocast(Device device, DType dtype = DType.BFloat16, bool enabled = true) => new(device.Type, dtype, enabled);
}
