using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>
/// Full-reference image quality of restorations against their ground truth, images (B, C, H, W) in [-1, 1] mapped to
/// [0, 1] first, each a mean over the batch of per-image values: PSNR in dB and SSIM (Wang et al. 2004: Gaussian
/// window 11x11, sigma 1.5, K1 = 0.01, K2 = 0.03, over valid positions, mean over channels).
/// </summary>
public static class ImageQuality
{
    /// <summary>Mean over images of 10 log10(1 / MSE); an exact copy scores +infinity.</summary>
    public static double Psnr(Tensor images, Tensor reference)
    {
        CheckShapes(images, reference, nameof(Psnr));
        using var scope = Torch.NewDisposeScope();
        var diff = (images.Float() - reference.Float()) * 0.5;
        var mse = (diff * diff).Mean([1, 2, 3]).Cpu().ToArray<float>();
        return mse.Average(m => 10 * Math.Log10(1.0 / m));
    }

    /// <summary>Mean structural similarity over images (1 for an exact copy); images must be at least 11x11.</summary>
    public static double Ssim(Tensor images, Tensor reference)
    {
        CheckShapes(images, reference, nameof(Ssim));
        const int size = 11;
        if (images.Size(2) < size || images.Size(3) < size)
            throw new ArgumentException($"ImageQuality.Ssim: images must be at least {size}x{size}; got {images.Describe()}");
        using var scope = Torch.NewDisposeScope();
        long channels = images.Size(1);
        var x = ((images.Float() + 1) * 0.5).Reshape(-1, 1, images.Size(2), images.Size(3));
        var y = ((reference.Float() + 1) * 0.5).Reshape(-1, 1, images.Size(2), images.Size(3));
        var window = GaussianWindow(size, 1.5, x.Device);
        Tensor Blur(Tensor v) => F.Conv2d(v, window);
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        var mx = Blur(x);
        var my = Blur(y);
        var vx = Blur(x * x) - mx * mx;
        var vy = Blur(y * y) - my * my;
        var cxy = Blur(x * y) - mx * my;
        var map = (mx * my * 2 + c1) * (cxy * 2 + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        var perImage = map.Reshape(images.Size(0), channels, -1).Mean([1, 2]).Cpu().ToArray<float>();
        return perImage.Average(v => (double)v);
    }

    private static Tensor GaussianWindow(int size, double sigma, Device device)
    {
        var g = Enumerable.Range(0, size).Select(i => Math.Exp(-Math.Pow(i - size / 2, 2) / (2 * sigma * sigma))).ToArray();
        double total = g.Sum();
        var w = new float[size * size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                w[i * size + j] = (float)(g[i] * g[j] / (total * total));
        return Torch.FromArray(w, device: device).Reshape(1, 1, size, size);
    }

    private static void CheckShapes(Tensor images, Tensor reference, string metric)
    {
        if (images.Dim != 4 || !images.Shape.SequenceEqual(reference.Shape))
            throw new ArgumentException($"ImageQuality.{metric}: expected images and reference of one shape (B, C, H, W); got {images.Describe()} and {reference.Describe()}");
    }
}
