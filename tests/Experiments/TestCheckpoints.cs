using RandCond.Experiments;

namespace RandCond.Tests.Labs;

/// <summary>Tests that distil through <c>StudentDistillation</c> leave checkpoints in .cache/checkpoints; they remove their own.</summary>
internal static class TestCheckpoints
{
    /// <summary>Deletes every checkpoint whose file name holds <paramref name="runName"/> (a name unique to one test run).</summary>
    public static void Remove(string runName)
    {
        var folder = RepoPaths.Cache("checkpoints");
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.GetFiles(folder, $"*{runName}*")) File.Delete(file);
    }
}
