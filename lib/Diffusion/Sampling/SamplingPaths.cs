using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// How a model is sampled, past the math: the whole walk replayed as one CUDA graph (<see cref="Graph"/>), the U-Net's
/// weights in BFloat16 with x_t, guidance and the updates kept in float32 (<see cref="Bf16Weights"/>), and its
/// convolutions in channels-last layout (<see cref="ChannelsLast"/>). Graph and layout change no image (a replay
/// matches the eager walk bit for bit); BFloat16 weights change them slightly. <see cref="For"/> turns all on for a
/// CUDA device and all off on the CPU; <see cref="GuidedBatchSampler"/> runs them.
/// </summary>
public sealed record SamplingPaths(bool Graph, bool Bf16Weights, bool ChannelsLast)
{
    /// <summary>Float32 weights, NCHW, every step launched from the host: the reference path, and the CPU's.</summary>
    public static readonly SamplingPaths Eager = new(false, false, false);

    /// <summary>The fastest correct paths for the device: all on for CUDA, all off on the CPU.</summary>
    public static SamplingPaths For(Device device) => device.IsCuda ? new(true, true, true) : Eager;

    /// <summary>Whether the sampled images differ (slightly) from the float32 ones: part of the key of cached images.</summary>
    public bool ChangesImages => Bf16Weights;

    /// <summary>Throws, naming the switch, when the device cannot run a path (a CUDA graph off a CUDA device).</summary>
    public SamplingPaths Validate(Device device)
    {
        if (Graph && !device.IsCuda)
            throw new ArgumentException($"SamplingPaths.Graph: a CUDA graph needs a CUDA device; this run is on {device} (turn the graph off)");
        return this;
    }

    public override string ToString() =>
        Graph || Bf16Weights || ChannelsLast
            ? string.Join(", ", new[] { Graph ? "one CUDA graph per walk" : "eager", Bf16Weights ? "bf16 weights" : "float32 weights", ChannelsLast ? "channels-last" : "NCHW" })
            : "eager, float32, NCHW";
}
