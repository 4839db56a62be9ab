using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>Group normalization over (N, C, ...) with a per-channel affine transform.</summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    public GroupNorm(long groups, long channels, double eps = 1e-5, bool affine = true, Device? device = null)
    {
        if (channels % groups != 0) throw new ArgumentException($"GroupNorm: {channels} channels are not divisible into {groups} groups");
        (Groups, Eps) = (groups, eps);
        if (affine)
        {
            Weight = RegisterParameter("weight", Torch.Ones([channels], device: device));
            Bias = RegisterParameter("bias", Torch.Zeros([channels], device: device));
        }
    }

    public long Groups { get; }
    public double Eps { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public override Tensor Forward(Tensor input) => F.GroupNorm(input, Groups, Weight?.Data, Bias?.Data, Eps);

    /// <summary>Forward, for a caller that feeds the output only to convolutions or linears (see <see cref="F.GroupNorm"/>'s lowPrecisionOutput).</summary>
    public Tensor Forward(Tensor input, bool lowPrecisionOutput) => F.GroupNorm(input, Groups, Weight?.Data, Bias?.Data, Eps, lowPrecisionOutput);

    /// <summary>
    /// SiLU(Forward(input + shift)), shift (N, C) or null, fused into one kernel where <see cref="F.GroupNormSilu"/> can;
    /// lowPrecisionOutput as for <see cref="F.GroupNorm"/>.
    /// </summary>
    public Tensor ForwardSilu(Tensor input, Tensor? shift = null, bool lowPrecisionOutput = false) =>
        F.GroupNormSilu(input, Groups, Weight?.Data, Bias?.Data, Eps, shift, lowPrecisionOutput);
}

/// <summary>Layer normalization over the last dimensions.</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool affine = true, Device? device = null)
    {
        (Shape, Eps) = (normalizedShape, eps);
        if (affine)
        {
            Weight = RegisterParameter("weight", Torch.Ones(normalizedShape, device: device));
            Bias = RegisterParameter("bias", Torch.Zeros(normalizedShape, device: device));
        }
    }

    public LayerNorm(long features, double eps = 1e-5, bool affine = true, Device? device = null)
        : this([features], eps, affine, device) { }

    public long[] Shape { get; }
    public double Eps { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public override Tensor Forward(Tensor input) => F.LayerNorm(input, Shape, Weight?.Data, Bias?.Data, Eps);

    /// <summary>Forward, for a caller that feeds the output only to convolutions or linears (see <see cref="F.GroupNorm"/>'s lowPrecisionOutput).</summary>
    public Tensor Forward(Tensor input, bool lowPrecisionOutput) => F.LayerNorm(input, Shape, Weight?.Data, Bias?.Data, Eps, lowPrecisionOutput);
}
