using RandCond.Distillation.CoDi;
using RandCond.Metrics;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.CoDi;

/// <summary>Conditions of the three tasks and the PSNR / SSIM functions on cases with known answers.</summary>
public class CoDiTaskAndQualityTests
{
    [Fact]
    public void Super_resolution_conditions_carry_only_the_low_resolution_image_and_inpainting_masks_the_centre()
    {
        using var scope = Torch.NewDisposeScope();
        using var gen = new Generator(1);
        var x = Torch.Rand([2, 1, 28, 28], gen) * 2 - 1;
        foreach (var task in new[] { CoDiTask.SuperResolution7, CoDiTask.SuperResolution14 })
        {
            var c = task.Condition(x);
            Assert.Equal(x.Shape, c.Shape);
            // only the low-resolution image reaches the condition: the block-constant image of the same block means gives the same one
            var blocky = F.Interpolate(F.AvgPool2d(x, task.Factor), size: [28, 28]);
            Assert.True((task.Condition(blocky) - c).Abs().Max().Item() < 1e-5);
            Assert.True((c - x).Abs().Max().Item() > 0.1);
            var flat = Torch.Full([2, 1, 28, 28], 0.25);
            Assert.True((task.Condition(flat) - flat).Abs().Max().Item() < 1e-6);
        }
        var masked = CoDiTask.Inpainting.Condition(x);
        Assert.Equal(0.0, masked.Narrow(2, 7, 14).Narrow(3, 7, 14).Abs().Max().Item());
        Assert.Equal(x.Narrow(2, 0, 7).ToArray<float>(), masked.Narrow(2, 0, 7).ToArray<float>());
        Assert.Equal(x.Narrow(3, 21, 7).ToArray<float>(), masked.Narrow(3, 21, 7).ToArray<float>());
        Assert.Throws<ArgumentException>(() => CoDiTask.Parse("sr3"));
    }

    [Fact]
    public void Psnr_and_ssim_of_known_cases()
    {
        using var scope = Torch.NewDisposeScope();
        using var gen = new Generator(2);
        var x = Torch.Rand([3, 1, 16, 16], gen) * 2 - 1;
        // an offset of 0.2 in [-1, 1] is 0.1 in [0, 1]: MSE 0.01, PSNR 20 dB
        Assert.Equal(20.0, ImageQuality.Psnr(x + 0.2, x), 1e-3);
        Assert.Equal(1.0, ImageQuality.Ssim(x, x), 1e-4);
        double noisy = ImageQuality.Ssim(x + Torch.Randn(x.Shape, gen) * 0.3, x);
        Assert.InRange(noisy, 0.0, 0.9);
        Assert.True(ImageQuality.Ssim(-x, x) < 0);
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(x, x.Narrow(0, 0, 2)));
    }
}
