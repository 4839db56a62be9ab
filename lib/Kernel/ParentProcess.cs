using System.Runtime.InteropServices;

namespace RandCond.Kernel;

/// <summary>Notices when the process that started us has died (we get re-parented).</summary>
internal sealed partial class ParentProcess
{
    private readonly int _parent = getppid();

    public bool IsGone => getppid() != _parent;

    [LibraryImport("libc")]
    private static partial int getppid();
}
