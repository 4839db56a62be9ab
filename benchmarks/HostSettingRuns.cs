using System.Text.Json.Nodes;

namespace RandCond.Benchmarks;

/// <summary>
/// A reference script run once per host setting (<see cref="HostSetting.For"/>) in every round of a benchmark: each run's
/// JSON line, tagged with its setting ("host_setting"), and the per-call times it printed under one key, pooled by
/// setting; the fastest setting by median is PyTorch's best.
/// </summary>
internal sealed class HostSettingRuns(RunContext ctx, string script, string timesKey, TimeSpan timeout)
{
    private readonly Dictionary<HostSetting, List<double>> times = HostSetting.For(ctx.Device).ToDictionary(s => s, _ => new List<double>());

    public IReadOnlyList<HostSetting> Settings => times.Keys.ToList();
    public JsonArray Rounds { get; } = new();

    /// <summary>Runs the script in every setting with the arguments <paramref name="argsFor"/> gives for it.</summary>
    public void RunRound(Func<HostSetting, List<string>> argsFor)
    {
        foreach (var (setting, pooled) in times)
        {
            var py = PythonReference.Run(ctx.PythonPath, PythonReference.FindScript(script), argsFor(setting), timeout, setting.Environment);
            py["host_setting"] = setting.Qualify("eager");
            Rounds.Add(py);
            pooled.AddRange(py[timesKey]!.AsArray().Select(v => v!.GetValue<double>()));
        }
    }

    public List<double> Times(HostSetting setting) => times[setting];
    public double Median(HostSetting setting) => Stats.Median(times[setting]);
    public HostSetting Best => times.Keys.MinBy(Median)!;

    /// <summary>The runs in one setting.</summary>
    public IEnumerable<JsonObject> RoundsIn(HostSetting setting) =>
        Rounds.Select(r => r!.AsObject()).Where(r => r["host_setting"]!.GetValue<string>() == setting.Qualify("eager"));
}
