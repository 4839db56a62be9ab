using RandCond.Tensors;

namespace RandCond.Distillation.CoDi;

/// <summary>
/// What a CoDi model is conditioned on, made from the ground-truth image: super-resolution (the image average-pooled
/// to H/Factor x W/Factor, then upsampled back bilinearly, so the condition is shaped like the image) or inpainting
/// (a centred square of side H/2 set to 0, the middle of the [-1, 1] pixel range).
/// </summary>
public sealed record CoDiTask(string Name, int Factor)
{
    /// <summary>7x7 to 28x28 (factor 4).</summary>
    public static readonly CoDiTask SuperResolution7 = new("sr7", 4);

    /// <summary>14x14 to 28x28 (factor 2).</summary>
    public static readonly CoDiTask SuperResolution14 = new("sr14", 2);

    /// <summary>Restore the centred half-size square.</summary>
    public static readonly CoDiTask Inpainting = new("inpaint", 0);

    public bool IsInpainting => Factor == 0;

    public string Description => IsInpainting
        ? "inpainting: a centred square of half the image side masked to 0"
        : $"super-resolution {28 / Factor}x{28 / Factor} to 28x28 (for 28x28 images; average-pool by {Factor}, bilinear upsampling back)";

    /// <summary>"sr7", "sr14" or "inpaint" (the lab's --task).</summary>
    public static CoDiTask Parse(string text) => text switch
    {
        "sr7" => SuperResolution7,
        "sr14" => SuperResolution14,
        "inpaint" => Inpainting,
        _ => throw new ArgumentException($"--task: unknown '{text}' (sr7, sr14, inpaint)"),
    };

    /// <summary>The condition images for ground-truth images (B, C, H, W) in [-1, 1], same shape.</summary>
    public Tensor Condition(Tensor images)
    {
        long h = images.Size(2), w = images.Size(3);
        using var scope = Torch.NewDisposeScope();
        if (IsInpainting)
        {
            var keep = Torch.Ones([1, 1, h, w], images.DType, images.Device);
            keep.Narrow(2, h / 4, h / 2).Narrow(3, w / 4, w / 2).ZeroInPlace();
            return (images * keep).MoveToOuterScope();
        }
        if (h % Factor != 0 || w % Factor != 0)
            throw new ArgumentException($"CoDiTask {Name}: image size {h}x{w} is not a multiple of the factor {Factor}");
        var low = F.AvgPool2d(images, Factor);
        return F.Interpolate(low, size: [h, w], mode: "bilinear").MoveToOuterScope();
    }
}
