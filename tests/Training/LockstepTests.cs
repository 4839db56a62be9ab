using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Tests.Training;

/// <summary>Lockstep's rounds: a step of every unfinished run per round, in the runs' order, finished runs left alone; too many runs refused.</summary>
public class LockstepTests
{
    private sealed class Counting(string name, int steps, List<string> order) : ITrainingCursor
    {
        private int done;
        public bool Disposed { get; private set; }
        public bool Finished => done == steps;

        public bool Advance()
        {
            if (Finished) return false;
            order.Add($"{name}{done++}");
            return true;
        }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void Each_round_steps_every_unfinished_run_once_in_order()
    {
        var order = new List<string>();
        var runs = new[] { new Counting("a", 3, order), new Counting("b", 1, order), new Counting("c", 2, order) };
        Lockstep.Run(runs, Device.CPU);
        Assert.Equal(["a0", "b0", "c0", "a1", "c1", "a2"], order);
        Assert.All(runs, r => Assert.True(r.Finished));
        Assert.All(runs, r => Assert.False(r.Disposed));   // the caller's to dispose
    }

    [Fact]
    public void More_runs_than_lanes_are_refused_by_count()
    {
        var order = new List<string>();
        var runs = Enumerable.Range(0, Lockstep.MaxRuns + 1).Select(i => new Counting($"r{i}", 1, order)).ToArray();
        var e = Assert.Throws<ArgumentException>(() => Lockstep.Run(runs, Device.CPU));
        Assert.Contains($"{Lockstep.MaxRuns + 1} runs, at most {Lockstep.MaxRuns}", e.Message);
        Assert.Empty(order);
    }

    [Fact]
    public void A_failing_step_stops_the_rounds_and_surfaces()
    {
        var order = new List<string>();
        var failing = new Failing();
        var other = new Counting("a", 5, order);
        var e = Assert.Throws<InvalidOperationException>(() => Lockstep.Run([other, failing], Device.CPU));
        Assert.Equal("step 2 failed", e.Message);
        Assert.Equal(["a0", "a1", "a2"], order);
    }

    private sealed class Failing : ITrainingCursor
    {
        private int done;
        public bool Finished => false;
        public bool Advance() => ++done == 3 ? throw new InvalidOperationException("step 2 failed") : true;
        public void Dispose() { }
    }
}
