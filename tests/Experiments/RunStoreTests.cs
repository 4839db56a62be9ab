using System.Text.Json.Nodes;
using RandCond.Experiments.Runs;

namespace RandCond.Tests.Labs;

public sealed class RunStoreTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("randcond-store-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Runs_survive_reopening_with_their_metrics_newest_first()
    {
        var path = Path.Combine(folder, "runs.sqlite");
        long first, second;
        using (var store = new RunStore(path))
        {
            first = store.StartRun("exp", "a", new JsonObject { ["lr"] = 1e-4 });
            second = store.StartRun("exp", "b", new JsonObject());
            store.LogMetrics(first, 10, new Dictionary<string, double> { ["loss"] = 0.5 });
            store.LogMetrics(first, 20, new Dictionary<string, double> { ["loss"] = 0.25 });
            store.Finish(first, new Dictionary<string, double> { ["fd"] = 3.5 });
        }
        using var reopened = new RunStore(path);
        var runs = reopened.Runs("exp");
        Assert.Equal([second, first], runs.Select(r => r.Id).ToArray());
        Assert.Equal("running", runs[0].Status);
        Assert.Equal("finished", runs[1].Status);
        Assert.Equal(1e-4, (double)runs[1].Config["lr"]!);
        Assert.Equal([0.5, 0.25], reopened.Metric(first, "loss").Select(m => m.Value).ToArray());
        Assert.Empty(reopened.Runs("other"));
    }

    [Fact]
    public void Bad_input_is_named()
    {
        using (var store = new RunStore(Path.Combine(folder, "runs.sqlite")))
        {
            long run = store.StartRun("exp", "a", new JsonObject());
            var nan = Assert.Throws<ArgumentException>(() => store.Finish(run, new Dictionary<string, double> { ["group_fd"] = double.NaN }));
            Assert.Contains("group_fd", nan.Message);
            Assert.Contains("no run with id 999", Assert.Throws<ArgumentException>(() => store.Finish(999, new Dictionary<string, double>())).Message);
        }
        var garbage = Path.Combine(folder, "garbage.sqlite");
        File.WriteAllText(garbage, new string('x', 4096));
        var error = Assert.Throws<InvalidDataException>(() => new RunStore(garbage));
        Assert.Contains("garbage.sqlite", error.Message);
    }
}
