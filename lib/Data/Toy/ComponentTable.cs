using RandCond.Tensors;

namespace RandCond.Data.Toy;

/// <summary>
/// Gaussian components shared by several mixtures: a table of log-weights, one row per mixture over all
/// components (-inf where a mixture does not use a component). All math is vectorized over a batch of
/// points, each with its own mixture row and its own noise level ab (per-row timesteps), in float64.
/// </summary>
internal sealed class ComponentTable
{
    private readonly double[] meanX, meanY, varX, varY, covXY, logWeights;

    public ComponentTable(IReadOnlyList<Gaussian2D> components, double[][] weightRows)
    {
        Components = components;
        int k = components.Count;
        meanX = components.Select(c => c.MeanX).ToArray();
        meanY = components.Select(c => c.MeanY).ToArray();
        varX = components.Select(c => c.VarX).ToArray();
        varY = components.Select(c => c.VarY).ToArray();
        covXY = components.Select(c => c.CovXY).ToArray();
        Rows = weightRows.Length;
        logWeights = new double[Rows * k];
        for (int r = 0; r < Rows; r++)
            for (int j = 0; j < k; j++)
                logWeights[r * k + j] = weightRows[r][j] > 0 ? Math.Log(weightRows[r][j]) : double.NegativeInfinity;
    }

    public IReadOnlyList<Gaussian2D> Components { get; }
    public int Rows { get; }

    private Tensor Vector(double[] values, Device device) => Torch.FromArray(values, device: device);

    /// <summary>Points (B, 2) float64 drawn from the mixtures of <paramref name="rows"/> (B), with the component of each.</summary>
    public (Tensor Points, Tensor Components) Sample(Tensor rows, Generator? generator, Device device)
    {
        var source = generator?.Device ?? device;
        using var scope = Torch.NewDisposeScope();
        long n = rows.Size(0);
        int k = Components.Count;
        var probabilities = Torch.FromArray(logWeights, [Rows, k], source).Exp().IndexSelect(0, rows.To(source, DType.Int64));
        var component = Torch.Multinomial(probabilities, 1, true, generator).View(n);
        var z = Torch.Randn([n, 2], generator, DType.Float64, source);
        // x = mu + L z with L the Cholesky factor [[lxx, 0], [lyx, lyy]] of each component's covariance.
        var lxx = varX.Select(Math.Sqrt).ToArray();
        var lyx = covXY.Zip(lxx, (c, l) => c / l).ToArray();
        var lyy = varY.Zip(lyx, (v, l) => Math.Sqrt(v - l * l)).ToArray();
        Tensor Pick(double[] v) => Vector(v, source).IndexSelect(0, component);
        var zx = z.Select(1, 0);
        var zy = z.Select(1, 1);
        var x = Pick(meanX) + Pick(lxx) * zx;
        var y = Pick(meanY) + Pick(lyx) * zx + Pick(lyy) * zy;
        var points = Torch.Stack([x, y], 1).To(device);
        return (points.MoveToOuterScope(), component.To(device).MoveToOuterScope());
    }

    /// <summary>
    /// log q(x) and its score grad log q(x) for points x (B, 2), each under the mixture of its row (B) noised
    /// to its ab (B, 1): every component becomes N(sqrt(ab) mu, ab Sigma + (1 - ab) I). Posterior weights
    /// come from a log-sum-exp, so far-away points stay finite.
    /// </summary>
    public (Tensor LogDensity, Tensor Score) Evaluate(Tensor points, Tensor rows, Tensor alphaBar)
    {
        using var scope = Torch.NewDisposeScope();
        var device = points.Device;
        var x = points.To(DType.Float64);
        var ab = alphaBar.To(DType.Float64).View(-1, 1);
        var keep = 1 - ab;
        var cxx = ab * Vector(varX, device) + keep;
        var cyy = ab * Vector(varY, device) + keep;
        var cxy = ab * Vector(covXY, device);
        var root = ab.Sqrt();
        var dx = x.Select(1, 0).Unsqueeze(1) - root * Vector(meanX, device);
        var dy = x.Select(1, 1).Unsqueeze(1) - root * Vector(meanY, device);
        var det = cxx * cyy - cxy * cxy;
        // Sigma^-1 d for the 2x2 covariance [[cxx, cxy], [cxy, cyy]], per point and component.
        var ix = (cyy * dx - cxy * dy) / det;
        var iy = (cxx * dy - cxy * dx) / det;
        var logNormal = (dx * ix + dy * iy) * -0.5 - det.Log() * 0.5 - Math.Log(2 * Math.PI);
        var logW = Torch.FromArray(logWeights, [Rows, Components.Count], device).IndexSelect(0, rows.To(device, DType.Int64));
        var joint = logW + logNormal;
        var logDensity = joint.LogSumExp(1, keepDim: true);
        var posterior = (joint - logDensity).Exp();
        var score = Torch.Stack([-(posterior * ix).Sum(1), -(posterior * iy).Sum(1)], 1);
        return (logDensity.View(-1).MoveToOuterScope(), score.MoveToOuterScope());
    }
}
