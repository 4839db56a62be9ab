using RandCond.Tensors;

namespace RandCond.Data.Toy;

/// <summary>
/// Gaussian components shared by several mixtures: a table of weights with one row per mixture over all
/// components (zero where a mixture does not use a component). Densities and scores are vectorized over a
/// batch of points, each with its own mixture row and its own noise level, in float64.
/// </summary>
internal sealed class ComponentTable
{
    private readonly double[] meanX, meanY, varX, varY, covXY;
    private readonly double[][] logWeights;

    public ComponentTable(IReadOnlyList<Gaussian2D> components, double[][] weightRows)
    {
        Components = components;
        meanX = components.Select(c => c.MeanX).ToArray();
        meanY = components.Select(c => c.MeanY).ToArray();
        varX = components.Select(c => c.VarX).ToArray();
        varY = components.Select(c => c.VarY).ToArray();
        covXY = components.Select(c => c.CovXY).ToArray();
        logWeights = weightRows.Select(row => row.Select(w => w > 0 ? Math.Log(w) : double.NegativeInfinity).ToArray()).ToArray();
    }

    public IReadOnlyList<Gaussian2D> Components { get; }
    public int Rows => logWeights.Length;

    /// <summary>Points (B, 2) float64 drawn from the mixtures of <paramref name="rows"/> (B), with the component of each.</summary>
    public (Tensor Points, Tensor Components) Sample(Tensor rows, Generator? generator, Device device)
    {
        var source = generator?.Device ?? device;
        using var scope = Torch.NewDisposeScope();
        long n = rows.Size(0);
        int k = Components.Count;
        var weights = Torch.FromArray(logWeights.SelectMany(r => r).ToArray(), [Rows, k], source).Exp();
        var component = Torch.Multinomial(weights.IndexSelect(0, rows.To(source, DType.Int64)), 1, true, generator).View(n);
        var z = Torch.Randn([n, 2], generator, DType.Float64, source);
        // x = mu + L z with L the Cholesky factor [[lxx, 0], [lyx, lyy]] of each component's covariance.
        var lxx = varX.Select(Math.Sqrt).ToArray();
        var lyx = covXY.Zip(lxx, (c, l) => c / l).ToArray();
        var lyy = varY.Zip(lyx, (v, l) => Math.Sqrt(v - l * l)).ToArray();
        Tensor Pick(double[] v) => Torch.FromArray(v, device: source).IndexSelect(0, component);
        var zx = z.Select(1, 0);
        var zy = z.Select(1, 1);
        var x = Pick(meanX) + Pick(lxx) * zx;
        var y = Pick(meanY) + Pick(lyx) * zx + Pick(lyy) * zy;
        var points = Torch.Stack([x, y], 1).To(device);
        return (points.MoveToOuterScope(), component.To(device).MoveToOuterScope());
    }

    /// <summary>
    /// Per-component tables for the noise levels <paramref name="alphaBars"/>: at level ab every component
    /// is N(sqrt(ab) mu, C) with C = ab Sigma + (1 - ab) I. Computed on the host in float64.
    /// </summary>
    public NoiseLevelTables Levels(IReadOnlyList<double> alphaBars, Device device)
    {
        int levels = alphaBars.Count, k = Components.Count;
        var mx = new double[levels * k];
        var my = new double[levels * k];
        var pxx = new double[levels * k];
        var pxy = new double[levels * k];
        var pyy = new double[levels * k];
        var bias = new double[levels * Rows * k];
        for (int l = 0; l < levels; l++)
        {
            double ab = alphaBars[l], root = Math.Sqrt(ab);
            for (int j = 0; j < k; j++)
            {
                double cxx = ab * varX[j] + (1 - ab), cyy = ab * varY[j] + (1 - ab), cxy = ab * covXY[j];
                double det = cxx * cyy - cxy * cxy;
                int i = l * k + j;
                mx[i] = root * meanX[j];
                my[i] = root * meanY[j];
                pxx[i] = cyy / det;
                pxy[i] = -cxy / det;
                pyy[i] = cxx / det;
                for (int r = 0; r < Rows; r++)
                    bias[(l * Rows + r) * k + j] = logWeights[r][j] - 0.5 * Math.Log(det) - Math.Log(2 * Math.PI);
            }
        }
        // Stored component-major (K, L) so that per-point tensors are (K, B): reductions over the few
        // components then run along the outer dimension, about 10x faster on the CPU than over an inner one.
        Tensor Make(double[] values, long rows)
        {
            using var host = Torch.FromArray(values, [rows, k]);
            using var transposed = host.T;
            return transposed.To(device).Contiguous().DetachFromDisposeScope();
        }
        return new NoiseLevelTables(Rows, Make(mx, levels), Make(my, levels), Make(pxx, levels), Make(pxy, levels), Make(pyy, levels),
                                    Make(bias, (long)levels * Rows));
    }

    /// <summary>
    /// grad log q(x), and log q(x) when <paramref name="withLogDensity"/>, for points x (B, 2), each under the
    /// mixture of its row (B) at its noise level (B, an index into <paramref name="tables"/>). The posterior
    /// over components is a softmax of log-weights plus log-likelihoods, so far-away points stay finite.
    /// </summary>
    public static (Tensor? LogDensity, Tensor Score) Evaluate(NoiseLevelTables tables, Tensor points, Tensor level, Tensor rows,
                                                              bool withLogDensity)
    {
        using var scope = Torch.NewDisposeScope();
        var x = points.To(DType.Float64);
        var device = x.Device;
        level = level.To(device, DType.Int64);
        rows = rows.To(device, DType.Int64);
        // When every point has the same level (a sampler step, a grid), its (K, 1) table column broadcasts
        // instead of being gathered per point; finding out costs a device sync, so only on the CPU.
        long? shared = tables.LevelCount == 1 ? 0 : device.IsCuda ? null : SharedValue(level);
        Tensor Pick(Tensor table) => shared is long l ? table.Narrow(1, l, 1) : table.IndexSelect(1, level);
        var dx = x.Select(1, 0).Unsqueeze(0) - Pick(tables.MeanX);
        var dy = x.Select(1, 1).Unsqueeze(0) - Pick(tables.MeanY);
        var pxy = Pick(tables.PrecisionXY);
        // C^-1 d per component and point, (K, B).
        var ix = (Pick(tables.PrecisionXX) * dx).AddCMul(pxy, dy, 1);
        var iy = (pxy * dx).AddCMul(Pick(tables.PrecisionYY), dy, 1);
        var quadratic = (dx * ix).AddCMul(dy, iy, 1);
        var bias = shared is long sl
            ? tables.Bias.Narrow(1, sl * tables.Rows, tables.Rows).IndexSelect(1, rows)
            : tables.Bias.IndexSelect(1, level * tables.Rows + rows);
        var joint = bias.Add(quadratic, -0.5);
        var posterior = joint.Softmax(0);
        var score = -Torch.Stack([(posterior * ix).Sum(0), (posterior * iy).Sum(0)], 1);
        var logDensity = withLogDensity ? joint.LogSumExp(0).MoveToOuterScope() : null;
        return (logDensity, score.MoveToOuterScope());
    }

    private static long? SharedValue(Tensor values)
    {
        if (values.NumEl == 0) return null;
        using var min = values.Min();
        using var max = values.Max();
        long first = min.ItemLong();
        return first == max.ItemLong() ? first : null;
    }
}
