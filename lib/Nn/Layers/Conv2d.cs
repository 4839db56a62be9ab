using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>2-D convolution over (N, C, H, W).</summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0,
                  long groups = 1, bool bias = true, Device? device = null)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: channels ({inChannels} in, {outChannels} out) must be divisible by groups ({groups})");
        (Stride, Padding, Groups) = (stride, padding, groups);
        Weight = RegisterParameter("weight", Torch.Empty([outChannels, inChannels / groups, kernelSize, kernelSize], device: device));
        Bias = bias ? RegisterParameter("bias", Torch.Empty([outChannels], device: device)) : null;
        Init.DefaultLayer(Weight, Bias?.Data);
    }

    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public long Stride { get; }
    public long Padding { get; }
    public long Groups { get; }

    public override Tensor Forward(Tensor input) => F.Conv2d(input, Weight, Bias?.Data, Stride, Padding, 1, Groups);

    /// <summary><paramref name="residual"/> + the convolution, the sum fused into the bias's pass where it can be (<see cref="F.Conv2d"/>).</summary>
    public Tensor Forward(Tensor input, Tensor residual) => F.Conv2d(input, Weight, Bias?.Data, Stride, Padding, 1, Groups, residual);

    /// <summary>The convolution without its bias, for a caller that adds <see cref="Bias"/> later in a fused operation.</summary>
    public Tensor ForwardWithoutBias(Tensor input) => F.Conv2d(input, Weight, null, Stride, Padding, 1, Groups);
}
