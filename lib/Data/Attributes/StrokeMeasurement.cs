using RandCond.Tensors;

namespace RandCond.Data.Attributes;

/// <summary>
/// Measures stroke thickness and slant of grey digit images, batched, with tensor operations on the images' device.
/// </summary>
/// <remarks>
/// <para><b>Ink.</b> Both measures read an ink map: intensity (0 = background, 1 = full ink) rescaled so that levels
/// from <see cref="InkFloor"/> to <see cref="InkCeiling"/> of full intensity map linearly onto 0..1. By the co-area
/// formula the ink's sum is the mean area, and its total variation the mean boundary length, of the hard masks
/// "intensity &gt; t" over thresholds t in that band (centred on 0.5, the hard mask of pixels &gt; 0 in [-1, 1]).
/// Averaging over thresholds gives sub-pixel resolution to the anti-aliased MNIST edges and ignores faint background
/// noise in generated samples, which a single hard threshold would either count or cut at random.</para>
/// <para><b>Thickness.</b> Morpho-MNIST (Castro et al., 2019) divides the ink area by the length of its skeleton;
/// skeletons need iterative thinning. Here the boundary length P stands in for the skeleton: a stroke of length L and
/// width w has area A = L w and perimeter P = 2 (L + w), so w = (P - sqrt(P^2 - 16 A)) / 4. That is a bar's width
/// up to the pixel grid at its ends, and within w^2 / L of the truth for a loop (no ends); a digit with more than two
/// stroke ends reads a little thin, alike for every image of that digit, which per-digit bins absorb. P is measured
/// Crofton-style from ink transitions along rows, columns and both diagonals, weighted so that straight edges at 0
/// and 45 degrees read their true length (at most 8% long in between). Counting 4-neighbour edges alone would read a
/// 45-degree edge 41% long, so a 45-degree stroke about 30% thinner than the same stroke upright, and tie thickness to
/// slant. A blank image has A = P = 0 and thickness 0.</para>
/// <para><b>Slant.</b> From the ink's central moments, with x the column and y the row (downwards): the shear
/// s = -mu11 / mu02 that deskewing undoes; a digit whose top leans right has x falling as y grows, so mu11 &lt; 0 and
/// s &gt; 0. Reported as atan(s) in degrees; 0 where mu02 vanishes (a blank image, a single row of ink).</para>
/// <para>Both measures are unchanged by moving the digit by whole pixels (the image is padded, not wrapped, so ink at
/// the border keeps its boundary).</para>
/// </remarks>
public static class StrokeMeasurement
{
    /// <summary>Intensity (fraction of full ink) below which a pixel counts as background.</summary>
    public const double InkFloor = 0.25;

    /// <summary>Intensity at and above which a pixel counts as full ink.</summary>
    public const double InkCeiling = 0.75;

    /// <summary>Images measured at once; bounds the memory of a call on a whole dataset.</summary>
    public const long ChunkSize = 8192;

    // Crofton weight making the summed transitions h + v + (d1 + d2) / sqrt(2) equal the boundary length of straight
    // edges at 0 and 45 degrees: such an edge of length l crosses l (1 + sqrt(2)) of them.
    private static readonly double BoundaryWeight = 1 / (1 + Math.Sqrt(2));

    /// <summary>
    /// Thickness (pixels) and slant (degrees) of each image of <paramref name="images"/>, a floating-point
    /// (N, 1, H, W) batch with values in <paramref name="range"/> (the library's diffusion range [-1, 1] by default).
    /// </summary>
    public static StrokeMeasures Measure(Tensor images, PixelRange range = PixelRange.MinusOneOne)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Shape is not [_, 1, > 0, > 0])
            throw new ArgumentException($"StrokeMeasurement.Measure: images must be (N, 1, H, W) grey images; got {images.Describe()}", nameof(images));
        if (!images.DType.IsFloatingPoint())
            throw new ArgumentException($"StrokeMeasurement.Measure: images must be floating point with values in {range}; got {images.Describe()}", nameof(images));
        ArgumentCheck.Defined(range, nameof(range));

        using var scope = Torch.NewDisposeScope();
        var thickness = new List<Tensor>();
        var slant = new List<Tensor>();
        foreach (var chunk in images.Split(ChunkSize))
        {
            using var chunkScope = Torch.NewDisposeScope(); // frees each chunk's intermediates before the next
            var ink = Ink(chunk, range);
            thickness.Add(Thickness(ink).MoveToOuterScope());
            slant.Add(Slant(ink).MoveToOuterScope());
        }
        return new StrokeMeasures(Torch.Cat(thickness).MoveToOuterScope(), Torch.Cat(slant).MoveToOuterScope());
    }

    // One affine map and a clamp: intensity is (x + 1) / 2 for [-1, 1], x for [0, 1].
    private static Tensor Ink(Tensor images, PixelRange range)
    {
        double scale = range == PixelRange.MinusOneOne ? 0.5 : 1, offset = range == PixelRange.MinusOneOne ? 0.5 : 0;
        double band = InkCeiling - InkFloor;
        return (images.To(DType.Float32) * (scale / band) + (offset - InkFloor) / band).ClampInPlace(0, 1);
    }

    private static Tensor Thickness(Tensor ink)
    {
        long[] pixels = [1, 2, 3];
        var area = ink.Sum(pixels);
        var p = Torch.Op("aten::constant_pad_nd", "", ink, new long[] { 1, 1, 1, 1 }, 0.0);
        Tensor Transitions(Tensor a, Tensor b) => (a - b).Norm(1, pixels);
        var rows = Transitions(p.Slice(3, 1, null), p.Slice(3, 0, -1));
        var columns = Transitions(p.Slice(2, 1, null), p.Slice(2, 0, -1));
        var down = Transitions(p.Slice(2, 1, null).Slice(3, 1, null), p.Slice(2, 0, -1).Slice(3, 0, -1));
        var up = Transitions(p.Slice(2, 1, null).Slice(3, 0, -1), p.Slice(2, 0, -1).Slice(3, 1, null));
        var boundary = (rows + columns + (down + up) * (1 / Math.Sqrt(2))) * BoundaryWeight;
        // A compact blob (P^2 < 16 A, no rectangle fits) reads as a square of side P / 4.
        var discriminant = (boundary.Square() - area * 16).Clamp(0, null);
        return (boundary - discriminant.Sqrt()) * 0.25;
    }

    // The moments come from three passes over the pixels (row sums, column sums, and each row's column-weighted sum);
    // the rest is done on those (N, H) and (N, W) profiles in double precision.
    private static Tensor Slant(Tensor ink)
    {
        long h = ink.Size(2), w = ink.Size(3);
        var device = ink.Device;
        var y = Torch.Arange(h, DType.Float64, device);
        var x = Torch.Arange(w, DType.Float64, device);
        var rows = ink.Sum(3).Squeeze(1).To(DType.Float64);                                          // (N, H): ink per row
        var columns = ink.Sum(2).Squeeze(1).To(DType.Float64);                                       // (N, W): ink per column
        var rowMoments = ink.MatMul(x.To(DType.Float32)).Squeeze(1).To(DType.Float64);             // (N, H): sum of x ink per row
        var mass = rows.Sum(1, keepDim: true).Clamp(1e-6, null);
        var cy = (rows * y).Sum(1, keepDim: true) / mass;
        var cx = (columns * x).Sum(1, keepDim: true) / mass;
        var dy = y - cy;
        var mu02 = (rows * dy.Square()).Sum(1);
        var mu11 = (dy * (rowMoments - rows * cx)).Sum(1);
        var defined = mu02 > 1e-6;
        var shear = (-mu11 / mu02.Clamp(1e-6, null)).Where(defined, Torch.ZerosLike(mu11));
        return (Torch.Op("aten::atan", "", shear) * (180 / Math.PI)).To(DType.Float32);
    }
}
