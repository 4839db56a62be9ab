using RandCond.Tensors;

namespace RandCond.Data.Toy;

/// <summary>
/// How much two 2-D densities overlap, as the total-variation overlap OVL = ∫ min(p, q) dx = 1 - TV(p, q):
/// 0 for disjoint supports, 1 for equal distributions. Integrated by the midpoint rule on a square grid.
/// </summary>
public static class DistributionOverlap
{
    /// <summary>∫ min(p, q) over [-extent, extent]^2 with resolution x resolution cells.</summary>
    public static double TotalVariationOverlap(GaussianMixture2D p, GaussianMixture2D q, double extent = 6, int resolution = 400,
                                               Device? device = null)
    {
        using var scope = Torch.NewDisposeScope();
        var (points, cellArea) = Grid(extent, resolution, device ?? Device.CPU);
        var density = p.LogDensity(points).Exp().Minimum(q.LogDensity(points).Exp());
        return density.Sum().Item() * cellArea;
    }

    /// <summary>∫ p over [-extent, extent]^2 on the same grid: about 1 when the grid covers p (a check on the grid).</summary>
    public static double Mass(GaussianMixture2D p, double extent = 6, int resolution = 400, Device? device = null)
    {
        using var scope = Torch.NewDisposeScope();
        var (points, cellArea) = Grid(extent, resolution, device ?? Device.CPU);
        return p.LogDensity(points).Exp().Sum().Item() * cellArea;
    }

    private static (Tensor Points, double CellArea) Grid(double extent, int resolution, Device device)
    {
        if (!(extent > 0)) throw new ArgumentOutOfRangeException(nameof(extent), extent, "the grid extent must be positive");
        if (resolution < 2) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "the grid needs at least 2 cells a side");
        double cell = 2 * extent / resolution;
        var centers = Torch.Linspace(-extent + cell / 2, extent - cell / 2, resolution, DType.Float64, device);
        var xs = centers.Unsqueeze(1).Expand(resolution, resolution).Reshape(-1);
        var ys = centers.Unsqueeze(0).Expand(resolution, resolution).Reshape(-1);
        return (Torch.Stack([xs, ys], 1), cell * cell);
    }
}
