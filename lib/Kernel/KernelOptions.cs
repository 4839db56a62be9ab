namespace RandCond.Kernel;

public sealed class KernelOptions
{
    /// <summary>Folder relative #r paths resolve against; Jupyter starts kernels in the notebook's folder.</summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Where the kernel logs (dropped messages, unknown requests); the process's real stderr by default.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Stop when the process that started us dies (Jupyter sets JPY_PARENT_PID), so no kernel is left orphaned.</summary>
    public bool ExitWithParent { get; init; } = Environment.GetEnvironmentVariable("JPY_PARENT_PID") is not null;
}
