using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// What random conditioning distils on, as the networks read it: the set D of clean samples (N, ...) (images, 2-D
/// points), each sample's own condition as an index into the condition pool C, and C itself. Borrows its tensors.
/// (Images with captions go through <see cref="RandCond.Data.DistillationData"/> and C's tokens instead.)
/// </summary>
/// <param name="Samples">(N, ...): D's clean samples x_0, on any device (a batch is moved to the pool's device)</param>
/// <param name="OwnConditions">Int64 (N): each sample's own condition, an index into <paramref name="Pool"/></param>
/// <param name="Pool">C, whose device is the training device</param>
public sealed record DistillationInputs(Tensor Samples, Tensor OwnConditions, ConditionPool Pool);
