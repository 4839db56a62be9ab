using System.Globalization;
using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter), as torch.optim.AdamW: p ← p·(1 − lr·wd), then
/// the bias-corrected Adam step. Updates all parameters with multi-tensor operators.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly (string Name, Parameter Parameter)[] parameters;
    private readonly Tensor[] expAvg;
    private readonly Tensor[] expAvgSq;

    /// <param name="capturable">keep the step count and the learning rate in device tensors, so that a step recorded in a
    /// <see cref="CudaGraph"/> reads the current ones on every replay (as PyTorch's <c>capturable=True</c>)</param>
    public AdamW(IEnumerable<(string Name, Parameter Parameter)> parameters, double lr = 1e-3, double beta1 = 0.9,
                 double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2, bool capturable = false)
    {
        this.parameters = parameters.Where(p => p.Parameter.RequiresGrad).ToArray();
        if (this.parameters.Length == 0) throw new ArgumentException("AdamW: no trainable parameters");
        (LearningRate, Beta1, Beta2, Eps, WeightDecay) = (lr, beta1, beta2, eps, weightDecay);
        expAvg = this.parameters.Select(p => Torch.ZerosLike(p.Parameter.Data).DetachFromDisposeScope()).ToArray();
        expAvgSq = this.parameters.Select(p => Torch.ZerosLike(p.Parameter.Data).DetachFromDisposeScope()).ToArray();
        if (capturable)
        {
            var first = this.parameters[0].Parameter.Data;
            deviceStep = Torch.Scalar(0, first.DType, first.Device).DetachFromDisposeScope();
            deviceRate = Torch.Scalar(lr, first.DType, first.Device).DetachFromDisposeScope();
        }
    }

    private readonly Tensor? deviceStep;   // in capturable mode: the step count and the rate, in the parameters' dtype
    private readonly Tensor? deviceRate;
    private double learningRate;

    public bool Capturable => deviceStep is not null;

    public AdamW(Module module, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2,
                 bool capturable = false)
        : this(module.NamedParameters(), lr, beta1, beta2, eps, weightDecay, capturable) { }

    /// <summary>The rate of the next step; in capturable mode setting it writes the device copy (do it outside a capture).</summary>
    public double LearningRate
    {
        get => learningRate;
        set
        {
            learningRate = value;
            deviceRate?.FillInPlace(value);
        }
    }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }
    public long StepCount { get; private set; }

    public IReadOnlyList<Parameter> Parameters => parameters.Select(p => p.Parameter).ToArray();

    /// <summary>One update from the parameters' current gradients (parameters without a gradient are skipped).</summary>
    public void Step()
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var ps = new List<Tensor>();
        var gs = new List<Tensor>();
        var ms = new List<Tensor>();
        var vs = new List<Tensor>();
        for (int i = 0; i < parameters.Length; i++)
        {
            var g = parameters[i].Parameter.Grad;
            if (g is null) continue;
            ps.Add(parameters[i].Parameter.Data);
            gs.Add(g);
            ms.Add(expAvg[i]);
            vs.Add(expAvgSq[i]);
        }
        if (ps.Count == 0) return;
        StepCount++;
        var (p, gr, m, v) = (ps.ToArray(), gs.ToArray(), ms.ToArray(), vs.ToArray());
        if (Capturable)
        {
            DeviceScalarStep(p, gr, m, v);
            return;
        }
        double bc1 = 1 - Math.Pow(Beta1, StepCount);
        double bc2 = 1 - Math.Pow(Beta2, StepCount);
        if (WeightDecay != 0) Foreach.MulInPlace(p, 1 - LearningRate * WeightDecay);
        Foreach.MulInPlace(m, Beta1);
        Foreach.AddInPlace(m, gr, 1 - Beta1);
        Foreach.MulInPlace(v, Beta2);
        Foreach.AddCMulInPlace(v, gr, gr, 1 - Beta2);
        var denom = Foreach.SqrtOf(v);
        Foreach.DivInPlace(denom, Math.Sqrt(bc2));
        Foreach.AddInPlace(denom, Eps);
        Foreach.AddCDivInPlace(p, m, denom, -LearningRate / bc1);
    }

    /// <summary>The same update with the step count and rate read from device tensors, so no value is fixed at capture.</summary>
    private void DeviceScalarStep(Tensor[] p, Tensor[] g, Tensor[] m, Tensor[] v)
    {
        deviceStep!.AddInPlace(1);
        var bc1 = 1 - (deviceStep * Math.Log(Beta1)).Exp();
        var bc2 = 1 - (deviceStep * Math.Log(Beta2)).Exp();
        if (WeightDecay != 0) Foreach.MulInPlace(p, 1 - deviceRate! * WeightDecay);
        Foreach.MulInPlace(m, Beta1);
        Foreach.AddInPlace(m, g, 1 - Beta1);
        Foreach.MulInPlace(v, Beta2);
        Foreach.AddCMulInPlace(v, g, g, 1 - Beta2);
        // p -= lr / bc1 * m / (sqrt(v / bc2) + eps), as p += m / ((sqrt(v) / sqrt(bc2) + eps) * (-bc1 / lr)).
        var denom = Foreach.SqrtOf(v);
        Foreach.MulInPlace(denom, bc2.Rsqrt());
        Foreach.AddInPlace(denom, Eps);
        Foreach.MulInPlace(denom, -bc1 / deviceRate!);
        Foreach.AddCDivInPlace(p, m, denom, 1.0);
    }

    public void ZeroGrad()
    {
        foreach (var (_, p) in parameters) p.Grad = null;
    }

    /// <summary>Moment estimates by parameter name (exp_avg.NAME, exp_avg_sq.NAME) and the step in metadata.</summary>
    public (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) StateDict()
    {
        var tensors = new Dictionary<string, Tensor>();
        for (int i = 0; i < parameters.Length; i++)
        {
            tensors[$"exp_avg.{parameters[i].Name}"] = expAvg[i];
            tensors[$"exp_avg_sq.{parameters[i].Name}"] = expAvgSq[i];
        }
        var meta = new Dictionary<string, string>
        {
            ["optimizer"] = "AdamW",
            ["step"] = (Capturable ? (long)deviceStep!.Item() : StepCount).ToString(CultureInfo.InvariantCulture),
            ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        };
        return (tensors, meta);
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("step", out var stepText) || !long.TryParse(stepText, CultureInfo.InvariantCulture, out var step))
            throw new ArgumentException("AdamW state: metadata has no integer 'step'");
        for (int i = 0; i < parameters.Length; i++)
        {
            foreach (var (prefix, target) in new[] { ("exp_avg", expAvg[i]), ("exp_avg_sq", expAvgSq[i]) })
            {
                var key = $"{prefix}.{parameters[i].Name}";
                if (!tensors.TryGetValue(key, out var source)) throw new ArgumentException($"AdamW state: missing '{key}'");
                if (!source.Shape.SequenceEqual(target.Shape)) throw new ArgumentException($"AdamW state: '{key}' has the wrong shape");
            }
        }
        using var _ = Torch.NoGrad();
        for (int i = 0; i < parameters.Length; i++)
        {
            expAvg[i].CopyFrom(tensors[$"exp_avg.{parameters[i].Name}"]);
            expAvgSq[i].CopyFrom(tensors[$"exp_avg_sq.{parameters[i].Name}"]);
        }
        StepCount = step;
        deviceStep?.FillInPlace(step);
    }

    public void Dispose()
    {
        foreach (var t in expAvg) t.Dispose();
        foreach (var t in expAvgSq) t.Dispose();
        deviceStep?.Dispose();
        deviceRate?.Dispose();
    }
}
