using Microsoft.Data.Analysis;

namespace RandCond.Experiments.Runs;

/// <summary>The run store queried into DataFrames, for tables across runs in notebooks.</summary>
public static class RunFrames
{
    /// <summary>
    /// Runs, newest first, optionally of one experiment: id, experiment, name, status, started_utc, finished_utc, then
    /// one column per final metric of any of them (sorted by name; null where a run lacks it).
    /// </summary>
    public static DataFrame RunsFrame(this RunStore store, string? experiment = null)
    {
        var runs = store.Runs(experiment);
        var metrics = runs.SelectMany(r => r.Final.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        var fixedColumns = new DataFrameColumn[]
        {
            new Int64DataFrameColumn("id", runs.Select(r => r.Id)),
            new StringDataFrameColumn("experiment", runs.Select(r => r.Experiment)),
            new StringDataFrameColumn("name", runs.Select(r => r.Name)),
            new StringDataFrameColumn("status", runs.Select(r => r.Status)),
            new DateTimeDataFrameColumn("started_utc", runs.Select(r => (DateTime?)r.StartedUtc)),
            new DateTimeDataFrameColumn("finished_utc", runs.Select(r => r.FinishedUtc)),
        };
        var metricColumns = metrics.Select(m =>
            (DataFrameColumn)new DoubleDataFrameColumn(m, runs.Select(r => r.Final.TryGetValue(m, out var v) ? v : (double?)null)));
        return new DataFrame(fixedColumns.Concat(metricColumns).ToArray());
    }

    /// <summary>A run's logged metrics over steps: step, then one column per metric (sorted; null where not logged at that step).</summary>
    public static DataFrame MetricsFrame(this RunStore store, long run)
    {
        var series = store.MetricNames(run).ToDictionary(name => name, name => store.Metric(run, name).ToDictionary(p => p.Step, p => p.Value));
        var steps = series.Values.SelectMany(s => s.Keys).Distinct().Order().ToArray();
        var columns = new List<DataFrameColumn> { new Int32DataFrameColumn("step", steps) };
        foreach (var (name, values) in series)
            columns.Add(new DoubleDataFrameColumn(name, steps.Select(s => values.TryGetValue(s, out var v) ? v : (double?)null)));
        return new DataFrame(columns);
    }
}
