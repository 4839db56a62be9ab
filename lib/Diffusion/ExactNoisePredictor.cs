using RandCond.Data.Toy;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// The exact noise predictor of toy Gaussian-mixture data under a schedule: q_t(x_t | c) is the mixture
/// with components N(sqrt(ab_t) mu, ab_t Sigma + (1 - ab_t) I), and the minimum-MSE eps prediction is
/// eps*(x_t, t, c) = E[eps | x_t, c] = -sqrt(1 - ab_t) grad log q_t(x_t | c) (posterior-weighted over the
/// components; float64 with log-sum-exp). Conditions are labels (B); <see cref="ConditionalGaussianMixture2D.Unconditional"/>
/// rows and a null condition use the marginal. A sampler driven by it must reproduce the data.
/// Per-step tables are computed once per device and kept until disposed. As an <see cref="INoisePredictor"/> it is an
/// exact teacher for distillation (it has no named features).
/// </summary>
public sealed class ExactNoisePredictor(ConditionalGaussianMixture2D data, NoiseSchedule schedule) : INoisePredictor, IDisposable
{
    private readonly Dictionary<Device, NoiseLevelTables> tables = new();
    private readonly Lock gate = new();

    /// <summary>For an unconditional mixture (condition label 0, or null).</summary>
    public ExactNoisePredictor(GaussianMixture2D data, NoiseSchedule schedule) : this(ConditionalGaussianMixture2D.Single(data), schedule) { }

    public ConditionalGaussianMixture2D Data { get; } = data;
    public NoiseSchedule Schedule { get; } = schedule;
    public Prediction Prediction => Prediction.Epsilon;

    /// <summary>eps* for x_t (B, 2) at integer timesteps t (B), in x_t's dtype.</summary>
    public Tensor Predict(Tensor xt, Tensor t, Tensor? condition)
    {
        using var scope = Torch.NewDisposeScope();
        var (_, score) = Evaluate(xt, t, condition, false);
        var noise = Schedule.SqrtOneMinusAlphaBar(t, score);
        return (-noise * score).To(xt.DType).MoveToOuterScope();
    }

    /// <summary><see cref="Predict"/> for a condition batch; the closed form has no intermediate features to capture.</summary>
    public Tensor Forward(Tensor xt, Tensor t, Tensor condition, FeatureCapture? capture = null)
    {
        if (capture?.Requested is { Count: > 0 } names)
            throw new ArgumentException($"ExactNoisePredictor has no named features, but the capture asks for {string.Join(", ", names)}", nameof(capture));
        return Predict(xt, t, condition);
    }

    /// <summary>grad log q_t(x_t | c) at x_t (B, 2), float64 (B, 2).</summary>
    public Tensor Score(Tensor xt, Tensor t, Tensor? condition)
    {
        return Evaluate(xt, t, condition, false).Score;
    }

    /// <summary>log q_t(x_t | c) at x_t (B, 2), float64 (B).</summary>
    public Tensor LogDensity(Tensor xt, Tensor t, Tensor? condition)
    {
        var (logDensity, score) = Evaluate(xt, t, condition, true);
        score.Dispose();
        return logDensity!;
    }

    private (Tensor? LogDensity, Tensor Score) Evaluate(Tensor xt, Tensor t, Tensor? condition, bool withLogDensity)
    {
        if (xt.Dim != 2 || xt.Size(1) != 2)
            throw new ArgumentException($"ExactNoisePredictor: x_t must be (B, 2), got {xt.Describe()}", nameof(xt));
        if (t.Dim != 1 || t.Size(0) != xt.Size(0) || t.DType.IsFloatingPoint())
            throw new ArgumentException($"ExactNoisePredictor: expected integer timesteps (B) for x_t of {xt.Describe()}, got {t.Describe()}", nameof(t));
        using var scope = Torch.NewDisposeScope();
        var rows = condition is null
            ? Torch.Full([xt.Size(0)], Data.ConditionCount, DType.Int64, xt.Device)
            : Data.TableRows(condition);
        if (rows.Size(0) != xt.Size(0))
            throw new ArgumentException($"ExactNoisePredictor: {rows.Size(0)} condition labels for x_t of {xt.Describe()}", nameof(condition));
        var (logDensity, score) = ComponentTable.Evaluate(TablesOn(xt.Device), xt, t, rows, withLogDensity);
        return (logDensity?.MoveToOuterScope(), score.MoveToOuterScope());
    }

    private NoiseLevelTables TablesOn(Device device)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!tables.TryGetValue(device, out var table))
                tables[device] = table = Data.Table.Levels(Schedule.AlphaBars, device);
            return table;
        }
    }

    private bool disposed;

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            foreach (var table in tables.Values) table.Dispose();
            tables.Clear();
        }
    }
}
