using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>Sinusoidal features of the timestep followed by Linear-SiLU-Linear (as DDPM).</summary>
public sealed class TimeEmbedding : Module<Tensor, Tensor>
{
    public TimeEmbedding(long sinusoidDim, long dim, Device? device = null)
    {
        if (sinusoidDim % 2 != 0) throw new ArgumentException($"TimeEmbedding: sinusoid width {sinusoidDim} must be even");
        SinusoidDim = sinusoidDim;
        Linear1 = Register("linear1", new Linear(sinusoidDim, dim, device: device));
        Linear2 = Register("linear2", new Linear(dim, dim, device: device));
    }

    public long SinusoidDim { get; }
    public Linear Linear1 { get; }
    public Linear Linear2 { get; }

    /// <summary>t: (B) timesteps (any numeric dtype) -> (B, dim).</summary>
    public override Tensor Forward(Tensor t)
    {
        using var scope = Torch.NewDisposeScope();
        var features = Sinusoid(t, SinusoidDim).To(Linear1.Weight.Data.DType);
        return Linear2.Forward(Linear1.Forward(features).Silu()).MoveToOuterScope();
    }

    /// <summary>[sin(t f_i), cos(t f_i)] with f_i = 10000^(-i/half), i &lt; half = dim/2, in Float32.</summary>
    public static Tensor Sinusoid(Tensor t, long dim)
    {
        using var scope = Torch.NewDisposeScope();
        long half = dim / 2;
        var freqs = (Torch.Arange(0, half, 1, DType.Float32, t.Device) * (-Math.Log(10000.0) / half)).Exp();
        var args = t.To(DType.Float32).Unsqueeze(1) * freqs.Unsqueeze(0);
        return Torch.Cat([args.Sin(), args.Cos()], 1).MoveToOuterScope();
    }
}
