using RandCond.Data.Toy;
using RandCond.Tensors;

namespace RandCond.Tests.Diffusion;

/// <summary>
/// Compares samples with a well-separated 2-D Gaussian mixture: each point goes to the nearest component
/// mean; per component the fraction of points, the mean and the covariance are checked against the truth.
/// </summary>
internal static class MixtureFit
{
    public const double WeightTolerance = 0.03, MeanTolerance = 0.05, CovarianceRelativeTolerance = 0.15;

    /// <summary>Every check that fails, as a readable line; empty when the samples fit.</summary>
    public static List<string> Failures(Tensor samples, GaussianMixture2D truth)
    {
        using var cpu = samples.To(Device.CPU, DType.Float64);
        var xy = cpu.ToArray<double>();
        int n = xy.Length / 2, k = truth.Components.Count;
        var count = new double[k];
        var sum = new double[k, 2];
        var products = new double[k, 3];
        for (int i = 0; i < n; i++)
        {
            double x = xy[2 * i], y = xy[2 * i + 1];
            if (!double.IsFinite(x) || !double.IsFinite(y)) return [$"sample {i} is not finite: ({x}, {y})"];
            int best = 0;
            double bestDistance = double.PositiveInfinity;
            for (int j = 0; j < k; j++)
            {
                var c = truth.Components[j];
                double d = (x - c.MeanX) * (x - c.MeanX) + (y - c.MeanY) * (y - c.MeanY);
                if (d < bestDistance) { bestDistance = d; best = j; }
            }
            count[best]++;
            sum[best, 0] += x;
            sum[best, 1] += y;
            products[best, 0] += x * x;
            products[best, 1] += x * y;
            products[best, 2] += y * y;
        }
        var failures = new List<string>();
        for (int j = 0; j < k; j++)
        {
            var c = truth.Components[j];
            double weight = count[j] / n;
            if (Math.Abs(weight - truth.Weights[j]) > WeightTolerance)
                failures.Add($"component {j}: weight {weight:F4}, expected {truth.Weights[j]:F4}");
            if (count[j] < 10) { failures.Add($"component {j}: only {count[j]} points"); continue; }
            double mx = sum[j, 0] / count[j], my = sum[j, 1] / count[j];
            double meanError = Math.Sqrt((mx - c.MeanX) * (mx - c.MeanX) + (my - c.MeanY) * (my - c.MeanY));
            if (meanError > MeanTolerance)
                failures.Add($"component {j}: mean ({mx:F4}, {my:F4}), expected ({c.MeanX}, {c.MeanY})");
            double vxx = products[j, 0] / count[j] - mx * mx;
            double vxy = products[j, 1] / count[j] - mx * my;
            double vyy = products[j, 2] / count[j] - my * my;
            // Relative Frobenius error of the 2x2 covariance.
            double error = Math.Sqrt(Sq(vxx - c.VarX) + 2 * Sq(vxy - c.CovXY) + Sq(vyy - c.VarY));
            double norm = Math.Sqrt(Sq(c.VarX) + 2 * Sq(c.CovXY) + Sq(c.VarY));
            if (error / norm > CovarianceRelativeTolerance)
                failures.Add($"component {j}: covariance [[{vxx:F4}, {vxy:F4}], [{vxy:F4}, {vyy:F4}]], expected [[{c.VarX}, {c.CovXY}], [{c.CovXY}, {c.VarY}]] (relative error {error / norm:P1})");
        }
        return failures;
    }

    private static double Sq(double v) => v * v;
}
