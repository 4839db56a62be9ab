using System.Globalization;
using System.Text.Json.Nodes;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>Where a replayed sampling walk first departs from the eager one (the sample benchmark's graph configurations).</summary>
internal sealed record ReplayProbe(IReadOnlyList<(string T, double Difference)> OneCall, IReadOnlyList<(int Steps, double Difference)> Prefixes)
{
    /// <summary>Eager images of the model with trainable parameters against its frozen eager ones (a frozen probe only).</summary>
    public double? EagerTrainableAgainstFrozen { get; init; }
    /// <summary>Replayed images of the model with trainable parameters against its frozen eager ones (a frozen probe only).</summary>
    public double? ReplayTrainableAgainstFrozen { get; init; }
    /// <summary>The same model probed again with its parameters frozen, where they required grad.</summary>
    public ReplayProbe? Frozen { get; init; }

    /// <summary>Writes the probe (and its frozen one, as "MODEL (frozen)") into a configuration's JSON entry and the run's notes.</summary>
    public void Report(string model, string config, JsonObject entry, List<(string Name, string Value)> notes)
    {
        entry[$"{model}_one_call_max_abs_difference"] = new JsonObject(OneCall.Select(x => KeyValuePair.Create(x.T, (JsonNode?)x.Difference)));
        entry[$"{model}_prefix_max_abs_difference"] = new JsonObject(Prefixes.Select(x => KeyValuePair.Create(x.Steps.ToString(CultureInfo.InvariantCulture), (JsonNode?)x.Difference)));
        notes.Add(($"{model}, {config}, one guided call", "replayed output differs from the eager one by at most " +
                   string.Join(", ", OneCall.Select(x => $"{x.Difference:g3} (t = {x.T})"))));
        notes.Add(($"{model}, {config}, first steps of the walk", "replayed x^ after k steps differs from the eager one by at most " +
                   string.Join(", ", Prefixes.Select(x => $"{x.Difference:g3} (k = {x.Steps})"))));
        if (EagerTrainableAgainstFrozen is { } e && ReplayTrainableAgainstFrozen is { } r)
        {
            entry[$"{model}_eager_trainable_max_abs_difference"] = e;
            entry[$"{model}_replay_trainable_max_abs_difference"] = r;
            notes.Add(($"{model}, {config}, frozen against trainable", $"frozen eager images differ from the trainable model's eager ones by at most {e:g3}, from its replayed ones by {r:g3}"));
        }
        Frozen?.Report($"{model} (frozen)", config, entry, notes);
    }

    /// <summary>
    /// The largest difference, eager against replayed as a graph, of one guided network call (at t = 500 and T - 1, with
    /// grad mode on and under no-grad as the sampler runs), and of the x^ reached after the first k steps of the walk (a
    /// sampler over the top k of its timesteps, whose last step goes to x_0): it tells a difference that each call already
    /// makes (another kernel chosen under capture) from one the loop brings in, and at which step.
    /// </summary>
    public static ReplayProbe Measure(PerfConfig config, Device device, NoiseSchedule schedule, DdimSampler sampler,
                                       Func<IReadOnlyList<Tensor>, Denoiser> bind, Tensor x, Tensor tokens)
    {
        double EagerAgainstReplay(Func<Tensor[], Tensor[]> body, params Tensor[] inputs)
        {
            using var graphed = new GraphedFunction(body);
            using var scope = Torch.NewDisposeScope();
            using (config.Autocast(device))
            {
                var eager = graphed.Run(inputs)[0];
                var replayed = graphed.Run(inputs)[0];
                return (replayed.Float() - eager.Float()).Abs().Max().Item();
            }
        }
        var oneCall = new List<(string, double)>();
        foreach (bool noGrad in new[] { false, true })
            foreach (int step in new[] { 500, schedule.Steps - 1 })
            {
                using var t = Torch.Full([x.Size(0)], step, DType.Int64, device);
                using var mode = noGrad ? Torch.NoGrad() : Torch.EnableGrad();
                oneCall.Add(($"{step}{(noGrad ? ", no-grad" : "")}", EagerAgainstReplay(inputs => [bind([inputs[2]]).Predict(inputs[0], inputs[1])], x, t, tokens)));
            }
        var all = sampler.Timesteps;
        var prefixes = new List<(int, double)>();
        foreach (int k in new[] { 1, 2, 3, 5, 10, 20, 30, 40, all.Count }.Where(k => k <= all.Count).Distinct())
        {
            var top = new DdimSampler(schedule, all.Skip(all.Count - k).ToArray());
            prefixes.Add((k, EagerAgainstReplay(inputs => [top.Sample(bind([inputs[1]]), inputs[0])], x, tokens)));
        }
        return new ReplayProbe(oneCall, prefixes);
    }
}
