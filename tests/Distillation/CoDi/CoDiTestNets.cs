using RandCond.Diffusion;
using RandCond.Distillation.CoDi;
using RandCond.Tensors;
using RandCond.Tests.Distillation.Sfddm;

namespace RandCond.Tests.Distillation.CoDi;

/// <summary>Tiny CoDi models on the SFDDM tests' text-conditioned U-Net (8x8 images), with the null caption.</summary>
internal static class CoDiTestNets
{
    public static Tensor NullTokens() => SfddmTestNets.Tokenizer.NullTokens(1, SfddmTestNets.CaptionLength);

    /// <summary>A fresh unconditional backbone (seeded) and the CoDi model adapting a copy of it.</summary>
    public static (TextDiffusionModel Teacher, CoDiModel Model) Fresh(ulong seed)
    {
        var teacher = SfddmTestNets.Fresh(seed);
        using var tokens = NullTokens();
        return (teacher, new CoDiModel(SfddmTestNets.CopyOf(teacher), tokens));
    }

    public static (Tensor X0, Tensor Condition, Tensor Eps) Batch(int size, ulong seed = 21)
    {
        using var gen = new Generator(seed);
        using var scope = Torch.NewDisposeScope();
        var x0 = Torch.Rand([size, 1, 8, 8], gen) * 2 - 1;
        var eps = Torch.Randn([size, 1, 8, 8], gen);
        var condition = CoDiTask.SuperResolution14.Condition(x0);
        return (x0.MoveToOuterScope(), condition.MoveToOuterScope(), eps.MoveToOuterScope());
    }

    /// <summary>Sets mu to the given value (in place, no gradient).</summary>
    public static void SetMu(CoDiModel model, double value)
    {
        using var _ = Torch.NoGrad();
        model.Mu.Data.FillInPlace(value);
    }
}
