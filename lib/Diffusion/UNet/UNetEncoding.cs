using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>
/// What the encoder of a <see cref="UNetModel"/> hands its decoder: every map it pushes as a skip, in push order
/// (<c>in</c>, each <c>down.s.res.j</c>, each <c>down.s.downsample</c>; the last one is also the input of the middle
/// block), and the activated time embedding the decoder's blocks use. Replacing <see cref="Features"/> (same shapes)
/// before <see cref="UNetModel.Decode"/> changes what the decoder sees, e.g. to mix in features of another encoder.
/// The tensors live in the dispose scope that was current when <see cref="UNetModel.Encode"/> returned.
/// </summary>
public sealed record UNetEncoding(IReadOnlyList<Tensor> Features, Tensor TimeSilu);
