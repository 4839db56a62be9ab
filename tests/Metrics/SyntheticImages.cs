using RandCond.Tensors;

namespace RandCond.Tests.Metrics;

/// <summary>
/// Ten classes of 28x28 images in [-1, 1]: a Gaussian blob whose centre sits on a circle at a class-dependent
/// angle, jittered by up to 1.5 pixels, with varying width and brightness and pixel noise. Drawn with tensor ops.
/// </summary>
internal static class SyntheticImages
{
    public static (Tensor Images, Tensor Labels) Draw(long n, ulong seed, long classCount = 10)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(seed);
        var labels = Torch.Randint(0, classCount, [n], g);
        var angle = labels.To(DType.Float32) * (2 * Math.PI / classCount);
        var cy = 13.5 + 8.0 * angle.Sin() + (Torch.Rand([n], g) - 0.5) * 3.0;
        var cx = 13.5 + 8.0 * angle.Cos() + (Torch.Rand([n], g) - 0.5) * 3.0;
        var width = 2.0 + Torch.Rand([n], g);
        var brightness = 0.7 + 0.3 * Torch.Rand([n], g);
        var ys = Torch.Arange(0, 28, 1, DType.Float32).View(1, 28, 1);
        var xs = Torch.Arange(0, 28, 1, DType.Float32).View(1, 1, 28);
        var r2 = (ys - cy.View(n, 1, 1)).Square() + (xs - cx.View(n, 1, 1)).Square();
        var blob = (r2 / (width.View(n, 1, 1).Square() * -2.0)).Exp() * brightness.View(n, 1, 1);
        var images = (blob * 2.0 - 1.0 + Torch.Randn([n, 28, 28], g) * 0.1).Clamp(-1.0, 1.0).Unsqueeze(1);
        return (images.MoveToOuterScope(), labels.MoveToOuterScope());
    }
}
