using System.Runtime.InteropServices;

namespace RandCond.Notebooks.Running;

/// <summary>
/// Ends a notebook worker once the runner that started it is gone (killed, or ended without stopping it): a cell that
/// trains for minutes would otherwise go on using the CPU for no one until it next reported. Polls the parent process
/// id: when a parent dies the kernel gives its children a new parent, so the id changes.
/// </summary>
public sealed class ParentWatch : IDisposable
{
    private readonly Timer timer;
    private readonly Func<int> parentId;
    private readonly int original;
    private readonly Action onGone;
    private int fired;

    /// <param name="parentId">reads the current parent process id</param>
    /// <param name="onGone">called once, on a timer thread, when the parent id has changed</param>
    public ParentWatch(Func<int> parentId, Action onGone, TimeSpan interval)
    {
        this.parentId = parentId;
        this.onGone = onGone;
        original = parentId();
        timer = new Timer(_ => Check(), null, interval, interval);
    }

    /// <summary>Watches this process's parent (Linux and macOS, through getppid); null elsewhere.</summary>
    public static ParentWatch? OfThisProcess(Action onGone) =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? new ParentWatch(getppid, onGone, TimeSpan.FromSeconds(1)) : null;

    private void Check()
    {
        if (parentId() != original && Interlocked.Exchange(ref fired, 1) == 0) onGone();
    }

    public void Dispose() => timer.Dispose();

    [DllImport("libc", SetLastError = false)]
    private static extern int getppid();
}
