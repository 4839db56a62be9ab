using RandCond.Tensors;

namespace RandCond.Data.Toy;

/// <summary>A mixture of 2-D Gaussians: weights (positive, normalized here) and components.</summary>
public sealed class GaussianMixture2D
{
    private readonly double[] weights;

    public GaussianMixture2D(IReadOnlyList<double> weights, IReadOnlyList<Gaussian2D> components)
    {
        if (components.Count == 0) throw new ArgumentException("GaussianMixture2D: no components", nameof(components));
        if (weights.Count != components.Count)
            throw new ArgumentException($"GaussianMixture2D: {weights.Count} weights for {components.Count} components", nameof(weights));
        for (int k = 0; k < weights.Count; k++)
            if (!(weights[k] > 0) || !double.IsFinite(weights[k]))
                throw new ArgumentOutOfRangeException(nameof(weights), $"GaussianMixture2D: weight[{k}] = {weights[k]}, expected a positive number");
        for (int k = 0; k < components.Count; k++) components[k].Validate($"GaussianMixture2D component {k}");
        double total = weights.Sum();
        this.weights = weights.Select(w => w / total).ToArray();
        Components = components.ToArray();
        Table = new ComponentTable(Components, [this.weights]);
    }

    /// <summary>Equal weights.</summary>
    public GaussianMixture2D(params Gaussian2D[] components) : this(Enumerable.Repeat(1.0, components.Length).ToArray(), components) { }

    public IReadOnlyList<double> Weights => Array.AsReadOnly(weights);
    public IReadOnlyList<Gaussian2D> Components { get; }
    internal ComponentTable Table { get; }

    /// <summary>The law of x_t = sqrt(ab) x_0 + sqrt(1 - ab) eps for x_0 from this mixture (same weights, noised components).</summary>
    public GaussianMixture2D Noised(double alphaBar)
    {
        if (!(alphaBar > 0 && alphaBar <= 1)) throw new ArgumentOutOfRangeException(nameof(alphaBar), alphaBar, "expected ab in (0, 1]");
        return new GaussianMixture2D(weights, Components.Select(c => c.Noised(alphaBar)).ToArray());
    }

    /// <summary>n points (n, 2) float64 and the component each came from (n, int64).</summary>
    public (Tensor Points, Tensor Components) Sample(long n, Generator? generator = null, Device? device = null)
    {
        using var rows = Torch.Zeros([n], DType.Int64, generator?.Device ?? device ?? Device.CPU);
        return Table.Sample(rows, generator, device ?? generator?.Device ?? Device.CPU);
    }

    /// <summary>log density at points (B, 2), as float64 (B).</summary>
    public Tensor LogDensity(Tensor points)
    {
        var (logDensity, score) = Evaluate(points, true);
        score.Dispose();
        return logDensity!;
    }

    /// <summary>grad log density at points (B, 2), as float64 (B, 2).</summary>
    public Tensor Score(Tensor points)
    {
        return Evaluate(points, false).Score;
    }

    private (Tensor? LogDensity, Tensor Score) Evaluate(Tensor points, bool withLogDensity)
    {
        if (points.Dim != 2 || points.Size(1) != 2)
            throw new ArgumentException($"GaussianMixture2D: points must be (B, 2), got {points.Describe()}", nameof(points));
        using var tables = Table.Levels([1.0], points.Device);
        using var zeros = Torch.Zeros([points.Size(0)], DType.Int64, points.Device);
        return ComponentTable.Evaluate(tables, points, zeros, zeros, withLogDensity);
    }
}
