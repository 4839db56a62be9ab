using System.Diagnostics;
using System.Globalization;

namespace RandCond.Training;

/// <summary>The files around a checkpoint that a resumable run looks after.</summary>
public static class CheckpointFiles
{
    /// <summary>
    /// Deletes what an interrupted write of the checkpoint at <paramref name="path"/> left beside it: a safetensors write goes
    /// to <c>.NAME.PID.tmp</c> and is renamed onto NAME, so a process killed in between leaves its temporary file. One of a
    /// process still running (another run writing the same checkpoint) is left alone. Returns the deleted paths.
    /// </summary>
    public static IReadOnlyList<string> RemoveStaleTemporaries(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir)) return [];
        var prefix = $".{Path.GetFileName(path)}.";
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir, prefix + "*.tmp"))
        {
            var pid = Path.GetFileName(file)[prefix.Length..^".tmp".Length];
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) continue;
            if (id != Environment.ProcessId && IsRunning(id)) continue;
            File.Delete(file);
            removed.Add(file);
        }
        return removed;
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
