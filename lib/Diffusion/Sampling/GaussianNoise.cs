using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>Standard normal noise from a seeded generator on any device.</summary>
public static class GaussianNoise
{
    /// <summary>
    /// N(0, I) of the given shape on <paramref name="device"/>. Drawn on the generator's own device and moved,
    /// so one CPU generator gives the same noise whatever device the sampler runs on.
    /// </summary>
    public static Tensor Sample(long[] shape, DType dtype, Device device, Generator? generator)
    {
        var source = generator?.Device ?? device;
        var noise = Torch.Randn(shape, generator, dtype, source);
        if (source == device) return noise;
        using (noise) return noise.To(device);
    }
}
