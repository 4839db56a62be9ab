using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>2-D transposed convolution (the gradient of Conv2d with respect to its input).</summary>
public sealed class ConvTranspose2d : Module<Tensor, Tensor>
{
    public ConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0,
                           long outputPadding = 0, bool bias = true, Device? device = null)
    {
        (Stride, Padding, OutputPadding) = (stride, padding, outputPadding);
        Weight = RegisterParameter("weight", Torch.Empty([inChannels, outChannels, kernelSize, kernelSize], device: device));
        Bias = bias ? RegisterParameter("bias", Torch.Empty([outChannels], device: device)) : null;
        // PyTorch computes fan_in of a transposed conv weight from dim 1 (out channels here).
        Init.KaimingUniform(Weight, Math.Sqrt(5));
        if (Bias is not null)
        {
            double bound = 1 / Math.Sqrt(outChannels * kernelSize * kernelSize);
            Init.Uniform(Bias, -bound, bound);
        }
    }

    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public long Stride { get; }
    public long Padding { get; }
    public long OutputPadding { get; }

    public override Tensor Forward(Tensor input) => F.ConvTranspose2d(input, Weight, Bias?.Data, Stride, Padding, OutputPadding);
}
