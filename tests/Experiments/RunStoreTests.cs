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
    public void Queries_come_back_as_data_frames_with_nulls_where_values_are_missing()
    {
        using var store = new RunStore(Path.Combine(folder, "runs.sqlite"));
        long a = store.StartRun("exp", "a", new JsonObject());
        long b = store.StartRun("exp", "b", new JsonObject());
        store.StartRun("other", "c", new JsonObject());
        store.LogMetrics(a, 10, new Dictionary<string, double> { ["loss"] = 0.5, ["kd"] = 0.25 });
        store.LogMetrics(a, 20, new Dictionary<string, double> { ["loss"] = 0.125 });
        store.Finish(a, new Dictionary<string, double> { ["fd"] = 3.5, ["accuracy"] = 0.75 });
        store.Finish(b, new Dictionary<string, double> { ["fd"] = 4.5 });

        var runs = store.RunsFrame("exp");

        Assert.Equal(["id", "experiment", "name", "status", "started_utc", "finished_utc", "accuracy", "fd"], runs.Columns.Select(c => c.Name).ToArray());
        Assert.Equal(2, runs.Rows.Count);
        Assert.Equal(b, runs["id"][0]);
        Assert.Equal(4.5, runs["fd"][0]);
        Assert.Null(runs["accuracy"][0]);
        Assert.Equal(0.75, runs["accuracy"][1]);

        var metrics = store.MetricsFrame(a);

        Assert.Equal(["step", "kd", "loss"], metrics.Columns.Select(c => c.Name).ToArray());
        Assert.Equal([10, 20], new[] { (int)metrics["step"][0], (int)metrics["step"][1] });
        Assert.Equal(0.125, metrics["loss"][1]);
        Assert.Null(metrics["kd"][1]);
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
