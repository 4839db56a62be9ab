using RandCond.Diffusion;
using RandCond.Tensors;

namespace RandCond.Data.Toy;

/// <summary>
/// The exact noise predictor of toy Gaussian-mixture data under a schedule: q_t(x_t | c) is the mixture
/// with components N(sqrt(ab_t) mu, ab_t Sigma + (1 - ab_t) I), and the minimum-MSE eps prediction is
/// eps*(x_t, t, c) = E[eps | x_t, c] = -sqrt(1 - ab_t) grad log q_t(x_t | c) (posterior-weighted over the
/// components; float64 with log-sum-exp). Conditions are labels (B); <see cref="ConditionalGaussianMixture2D.Unconditional"/>
/// rows and a null condition use the marginal. A sampler driven by it must reproduce the data.
/// </summary>
public sealed class ExactNoisePredictor(ConditionalGaussianMixture2D data, NoiseSchedule schedule) : IDenoiser<Tensor>
{
    /// <summary>For an unconditional mixture (condition label 0, or null).</summary>
    public ExactNoisePredictor(GaussianMixture2D data, NoiseSchedule schedule) : this(ConditionalGaussianMixture2D.Single(data), schedule) { }

    public ConditionalGaussianMixture2D Data { get; } = data;
    public NoiseSchedule Schedule { get; } = schedule;
    public Prediction Prediction => Prediction.Epsilon;

    /// <summary>eps* for x_t (B, 2) at integer timesteps t (B), in x_t's dtype.</summary>
    public Tensor Predict(Tensor xt, Tensor t, Tensor? condition)
    {
        using var scope = Torch.NewDisposeScope();
        var (_, score, ab) = Evaluate(xt, t, condition);
        return (-(1 - ab).Sqrt() * score).To(xt.DType).MoveToOuterScope();
    }

    /// <summary>grad log q_t(x_t | c) at x_t (B, 2), float64 (B, 2).</summary>
    public Tensor Score(Tensor xt, Tensor t, Tensor? condition)
    {
        using var scope = Torch.NewDisposeScope();
        return Evaluate(xt, t, condition).Score.MoveToOuterScope();
    }

    /// <summary>log q_t(x_t | c) at x_t (B, 2), float64 (B).</summary>
    public Tensor LogDensity(Tensor xt, Tensor t, Tensor? condition)
    {
        using var scope = Torch.NewDisposeScope();
        return Evaluate(xt, t, condition).LogDensity.MoveToOuterScope();
    }

    private (Tensor LogDensity, Tensor Score, Tensor AlphaBar) Evaluate(Tensor xt, Tensor t, Tensor? condition)
    {
        if (xt.Dim != 2 || xt.Size(1) != 2)
            throw new ArgumentException($"ExactNoisePredictor: x_t must be (B, 2), got {xt.Describe()}", nameof(xt));
        var x = xt.To(DType.Float64);
        var ab = Schedule.AlphaBar(t, x);
        var rows = condition is null
            ? Torch.Full([xt.Size(0)], Data.ConditionCount, DType.Int64, xt.Device)
            : Data.TableRows(condition);
        if (rows.Size(0) != xt.Size(0))
            throw new ArgumentException($"ExactNoisePredictor: {rows.Size(0)} condition labels for x_t of {xt.Describe()}", nameof(condition));
        var (logDensity, score) = Data.Table.Evaluate(x, rows, ab);
        return (logDensity, score, ab);
    }
}
