using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>Batched random augmentations of (N, C, H, W) images, done with tensor operations on the images' device.</summary>
public static class ImageAugmentation
{
    /// <summary>
    /// Shifts each image by its own random offset of up to maxShift pixels in each direction: pads with fill
    /// (the background, -1 for images in [-1, 1]) and crops a random window of the original size.
    /// </summary>
    public static Tensor RandomShift(Tensor images, long maxShift, Generator generator, double fill = -1)
    {
        if (maxShift == 0) return images.Alias();
        var s = images.Shape;
        if (s.Length != 4) throw new ArgumentException($"RandomShift: expected (N, C, H, W), got [{string.Join(", ", s)}]");
        long n = s[0], c = s[1], h = s[2], w = s[3];
        var device = images.Device;
        using var scope = Torch.NewDisposeScope();
        var padded = Torch.Op("aten::constant_pad_nd", "", images, new[] { maxShift, maxShift, maxShift, maxShift }, fill);
        var dy = Torch.Randint(0, 2 * maxShift + 1, [n], generator, device: device);
        var dx = Torch.Randint(0, 2 * maxShift + 1, [n], generator, device: device);
        var rows = dy.View(n, 1, 1, 1) + Torch.Arange(h, device: device).View(1, 1, h, 1);
        var cols = dx.View(n, 1, 1, 1) + Torch.Arange(w, device: device).View(1, 1, 1, w);
        var batch = Torch.Arange(n, device: device).View(n, 1, 1, 1);
        var channel = Torch.Arange(c, device: device).View(1, c, 1, 1);
        return padded.Index(batch, channel, rows, cols).MoveToOuterScope();
    }

    /// <summary>Mirrors each image left-right with probability 1/2.</summary>
    public static Tensor RandomHorizontalFlip(Tensor images, Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        var flip = Torch.Rand([images.Size(0)], generator, device: images.Device) < 0.5;
        return images.Flip(3).Where(flip.View(-1, 1, 1, 1), images).MoveToOuterScope();
    }
}
