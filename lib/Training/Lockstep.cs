using RandCond.Tensors;

namespace RandCond.Training;

/// <summary>
/// Several training runs stepped together: each round advances every unfinished run by one step, the first on the current
/// CUDA stream and each other on a side stream of its own (<see cref="StreamFork"/> lanes 1, 2, 3; lane 0 stays free for
/// the teacher a step may fork onto), so that the GPU runs their steps side by side where one alone leaves it partly idle.
/// The lanes are forked once, before the first round, and joined after the last: no run waits for another's steps. A
/// run's values do not depend on the others' (each draws its batches from its own generator, and each run's work stays
/// on one stream in the order it has alone). On the CPU, or with <c>concurrent</c> false, the runs take turns on the
/// current stream.
/// </summary>
public static class Lockstep
{
    /// <summary>The most runs one call steps together: the current stream and three lanes.</summary>
    public const int MaxRuns = StreamFork.Lanes;

    public static void Run(IReadOnlyList<ITrainingCursor> runs, Device device, bool concurrent = true)
    {
        if (runs.Count > MaxRuns)
            throw new ArgumentException($"Lockstep: {runs.Count} runs, at most {MaxRuns} step together (the current stream and lanes 1..{MaxRuns - 1})", nameof(runs));
        var forks = new List<StreamFork>();
        try
        {
            for (int i = 1; i < runs.Count; i++) forks.Add(StreamFork.On(device, concurrent, lane: i));
            bool any;
            do
            {
                any = false;
                for (int i = 0; i < runs.Count; i++)
                {
                    var run = runs[i];
                    if (!run.Finished) any |= i == 0 ? run.Advance() : forks[i - 1].Side(run.Advance);
                }
            }
            while (any);
        }
        finally
        {
            foreach (var fork in forks) fork.Dispose();
        }
    }
}
