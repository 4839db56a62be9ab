using RandCond.Diffusion.UNet;
using RandCond.Tensors;
using RandCond.Tests.Diffusion;
using RandCond.Tests.Distillation.Sfddm;

namespace RandCond.Tests.Distillation.CoDi;

/// <summary>
/// The adapter: the U-Net's Encode/Decode split computes Forward exactly; the conditional encoder starts as an exact copy
/// of the teacher's encoder; with mu = 0 the adapted model is the unconditional teacher (null caption) bit for bit, and
/// with mu != 0 the condition changes the output.
/// </summary>
public class CoDiModelTests : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    [Fact]
    public void Decode_of_Encode_is_Forward_and_the_encoding_can_be_replaced()
    {
        using var teacher = SfddmTestNets.Fresh(1);
        using var scope = Torch.NewDisposeScope();
        var (x0, _, _) = CoDiTestNets.Batch(3);
        var t = Torch.FromArray(new long[] { 5, 500, 999 });
        var text = teacher.Text.Forward(CoDiTestNets.NullTokens().Expand(3, SfddmTestNets.CaptionLength));
        var unet = teacher.UNet;

        var forward = unet.Forward(x0, t, text.Context, text.Mask);
        var encoding = unet.Encode(x0, t, text.Context, text.Mask);
        var split = unet.Decode(encoding, text.Context, text.Mask);

        Assert.Equal(forward.ToArray<float>(), split.ToArray<float>());
        Assert.Equal(unet.EncoderFeatureCount, encoding.Features.Count);
        var doubled = unet.Decode(encoding with { Features = encoding.Features.Select(f => f * 2).ToArray() }, text.Context, text.Mask);
        Assert.True((doubled - forward).Abs().Max().Item() > 1e-4);
        Assert.Throws<ArgumentException>(() => unet.Decode(encoding with { Features = encoding.Features.Skip(1).ToArray() }, text.Context, text.Mask));
    }

    [Fact]
    public void Conditional_encoder_starts_as_an_exact_copy_of_the_teachers_encoder()
    {
        var (teacher, model) = CoDiTestNets.Fresh(3);
        using var _t = teacher;
        using var _m = model;
        var teacherState = teacher.UNet.StateDict();
        var copy = model.ConditionEncoder.StateDict();
        Assert.NotEmpty(copy);
        Assert.Equal(teacherState.Keys.Where(k => k.StartsWith("in.") || k.StartsWith("down.")).OrderBy(k => k), copy.Keys.OrderBy(k => k));
        foreach (var (name, value) in copy)
            Assert.Equal(teacherState[name].ToArray<float>(), value.ToArray<float>());
        // a copy, not shared storage
        using (Torch.NoGrad()) model.ConditionEncoder.Input.Weight.Data.AddInPlace(Torch.OnesLike(model.ConditionEncoder.Input.Weight.Data));
        Assert.NotEqual(teacher.UNet.Input.Weight.Data.ToArray<float>(), model.ConditionEncoder.Input.Weight.Data.ToArray<float>());
        Assert.Equal(new float[teacher.UNet.EncoderFeatureCount], model.Mu.Data.ToArray<float>());
    }

    [Fact]
    public void With_mu_zero_it_is_the_unconditional_teacher_exactly_and_with_mu_nonzero_the_condition_counts()
    {
        var (teacher, model) = CoDiTestNets.Fresh(4);
        using var _t = teacher;
        using var _m = model;
        using var scope = Torch.NewDisposeScope();
        // perturb the conditional encoder so that any leak of h_cond at mu = 0 would show
        using (Torch.NoGrad())
            foreach (var p in model.ConditionEncoder.Parameters()) p.Data.AddInPlace(Torch.RandnLike(p.Data));
        var (x0, condition, eps) = CoDiTestNets.Batch(4);
        var t = Torch.FromArray(new long[] { 0, 10, 600, 999 });
        var xt = x0 * 0.5 + eps * 0.5;
        var unconditional = teacher.Forward(xt, t, CoDiTestNets.NullTokens().Expand(4, SfddmTestNets.CaptionLength));

        var adapted = model.Forward(xt, t, condition);
        var otherCondition = model.Forward(xt, t, -condition);

        Assert.Equal(unconditional.ToArray<float>(), adapted.ToArray<float>());
        Assert.Equal(unconditional.ToArray<float>(), otherCondition.ToArray<float>());
        CoDiTestNets.SetMu(model, 0.5);
        var mixed = model.Forward(xt, t, condition);
        Assert.True((mixed - unconditional).Abs().Max().Item() > 1e-4);
        Assert.True((mixed - model.Forward(xt, t, -condition)).Abs().Max().Item() > 1e-4);
    }

    [Fact]
    public void Mu_one_with_the_condition_equal_to_x_t_is_the_teacher_again()
    {
        // h' = (1 - mu) h + mu h_cond with an unperturbed copy: h_cond(x_t) = h(x_t), so every mu gives the teacher
        var (teacher, model) = CoDiTestNets.Fresh(5);
        using var _t = teacher;
        using var _m = model;
        using var scope = Torch.NewDisposeScope();
        CoDiTestNets.SetMu(model, 1.0);
        var (x0, _, eps) = CoDiTestNets.Batch(2);
        var t = Torch.FromArray(new long[] { 100, 900 });
        var xt = x0 * 0.6 + eps * 0.8;
        var unconditional = teacher.Forward(xt, t, CoDiTestNets.NullTokens().Expand(2, SfddmTestNets.CaptionLength));
        var adapted = model.Forward(xt, t, xt);
        Assert.True((adapted - unconditional).Abs().Max().Item() < 1e-5);
    }
}
