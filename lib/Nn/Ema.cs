using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>
/// An exponential moving average of a module's parameters, kept in a second module of the same
/// architecture (so it can be sampled and saved like any model): ema ← decay·ema + (1 − decay)·θ.
/// </summary>
public sealed class Ema
{
    private readonly Tensor[] source;
    private readonly Tensor[] target;

    public Ema(Module model, Module average, double decay = 0.999)
    {
        if (decay is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(decay), decay, "EMA decay must lie in [0, 1]");
        var s = model.NamedParameters().ToArray();
        var t = average.NamedParameters().ToArray();
        if (!s.Select(p => p.Name).SequenceEqual(t.Select(p => p.Name)))
            throw new ArgumentException("Ema: the model and its average have different parameter names");
        source = s.Select(p => p.Parameter.Data).ToArray();
        target = t.Select(p => p.Parameter.Data).ToArray();
        Decay = decay;
        Average = average;
        average.RequiresGrad(false);
        using var _ = Torch.NoGrad();
        for (int i = 0; i < target.Length; i++) target[i].CopyFrom(source[i]);
    }

    public double Decay { get; set; }
    public Module Average { get; }

    public void Update() => Apply(Decay);

    /// <summary>
    /// Updates with the decay warmed up over the first steps: min(Decay, (1 + step) / (10 + step)). Without it, an
    /// average over a short run from random weights keeps a large share of the early, very different weights
    /// (0.999^2400 = 9 % of the initialization itself), and an average of weights that far apart is not a working network.
    /// </summary>
    public void Update(int step) => Apply(DecayAt(step));

    /// <summary>The warmed-up decay of step <paramref name="step"/>: min(Decay, (1 + step) / (10 + step)).</summary>
    public double DecayAt(int step) => Math.Min(Decay, (1.0 + step) / (10.0 + step));

    /// <summary>
    /// The update with the decay read from a one-element device tensor: average += (1 - decay) (model - average). A CUDA graph
    /// that records it reads the decay written before each replay, where <see cref="Update(int)"/> would fix it at capture.
    /// </summary>
    public void Update(Tensor decay)
    {
        using var scope = Torch.NewDisposeScope();
        using var _ = Torch.NoGrad();
        var weight = 1 - decay;
        if (Foreach.TakesDeviceScalars)
        {
            // decay·average + (1 - decay)·model in three multi-tensor calls, where a lerp per tensor launches a kernel per parameter.
            var scaled = Foreach.Times(source, weight);
            Foreach.MulInPlace(target, decay);
            Foreach.AddInPlace(target, scaled, 1);
            return;
        }
        for (int i = 0; i < target.Length; i++) target[i].LerpInPlace(source[i], weight);
    }

    private void Apply(double decay)
    {
        using var _ = Torch.NoGrad();
        Foreach.MulInPlace(target, decay);
        Foreach.AddInPlace(target, source, 1 - decay);
    }
}
