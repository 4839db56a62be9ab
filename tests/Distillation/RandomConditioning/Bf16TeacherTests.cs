using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.RandomConditioning;

/// <summary><see cref="DistillationOptions.Bf16Teacher"/>: the teacher's prediction and features from a BFloat16 copy.</summary>
public sealed class Bf16TeacherTests
{
    /// <summary>x_t, t and caption tokens of 4 samples, in the caller's dispose scope.</summary>
    private static (Tensor Xt, Tensor T, Tensor Tokens) Batch()
    {
        using var g = new Generator(4);
        return (Torch.Randn([4, 1, 28, 28], g), Torch.Randint(0, 1000, [4], g),
                Torch.Randint(5, RcTestNets.Tokenizer.VocabularySize, [4, RcTestNets.CaptionLength], g));
    }

    [Fact]
    public void The_loss_from_a_bf16_teacher_copy_is_the_float32_teachers_within_bf16_rounding()
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = RcTestNets.Teacher();
        Torch.ManualSeed(21);
        using var student = new DistillationStudent(teacher, StudentSpec.BlockRemoved());
        var (xt, t, tokens) = Batch();
        var options = new DistillationOptions { Weights = new LossWeights(Output: 1, Feature: 1, Task: 0) };

        using var exact = new DistillationForwardPass(teacher, student, options);
        using var copied = new DistillationForwardPass(teacher, student, options with { Bf16Teacher = true });
        var a = exact.Run(xt, t, tokens);
        var b = copied.Run(xt, t, tokens);

        Assert.Equal(DType.Float32, b.TeacherEps.DType);
        double epsDifference = (a.TeacherEps - b.TeacherEps).Abs().Max().Item();
        Assert.True(epsDifference > 0, "the copy predicted exactly float32's: it did not run in bf16");
        Assert.True(epsDifference < 0.1, $"the bf16 teacher's prediction is {epsDifference:g3} from float32's");
        foreach (var (name, x, y) in new[] { ("output", a.Terms.Output, b.Terms.Output), ("feature", a.Terms.Feature, b.Terms.Feature) })
        {
            double relative = Math.Abs(x.Item() - y.Item()) / Math.Max(x.Item(), 1e-6);
            Assert.True(relative < 0.05, $"the {name} loss moved by {relative:P1} with the bf16 teacher ({x.Item():g4} against {y.Item():g4})");
        }
        Assert.All(teacher.Parameters(), p => Assert.Equal(DType.Float32, p.Data.DType));
    }

    [Fact]
    public void A_float32_student_trains_against_a_bf16_teacher_copy()
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = RcTestNets.Teacher();
        Torch.ManualSeed(21);
        using var student = new DistillationStudent(teacher, StudentSpec.BlockRemoved());
        using var ema = new DistillationStudent(teacher, StudentSpec.BlockRemoved());
        var (xt, t, tokens) = Batch();
        var before = student.Parameters().First(p => p.RequiresGrad).Data.Clone();
        using var step = new DistillationStep(teacher, student, ema, new DistillationOptions { Bf16Teacher = true, LearningRate = 1e-3 });
        using var terms = step.Run(xt, t, tokens, 0);
        Assert.True(double.IsFinite(terms.Total.Item()), "the loss is not finite");
        var after = student.Parameters().First(p => p.RequiresGrad).Data;
        Assert.True((after - before).Abs().Max().Item() > 0, "the step changed no weight");
        Assert.All(student.Parameters(), p => Assert.Equal(DType.Float32, p.Data.DType));
    }

    [Fact]
    public void A_teacher_without_a_unet_is_refused_by_the_options_name()
    {
        using var teacher = RcTestNets.Teacher();
        using var student = new DistillationStudent(teacher, StudentSpec.BlockRemoved());
        var e = Assert.Throws<ArgumentException>(() =>
            new DistillationForwardPass(new ClosedForm(), student, new DistillationOptions { Bf16Teacher = true }));
        Assert.Contains("Bf16Teacher", e.Message);
        Assert.Contains(nameof(ClosedForm), e.Message);
    }

    private sealed class ClosedForm : INoisePredictor
    {
        public Prediction Prediction => Prediction.Epsilon;
        public Tensor Predict(Tensor xt, Tensor t, Tensor? condition) => Torch.ZerosLike(xt);
        public Tensor Forward(Tensor xt, Tensor t, Tensor condition, FeatureCapture? capture = null) => Torch.ZerosLike(xt);
    }
}
