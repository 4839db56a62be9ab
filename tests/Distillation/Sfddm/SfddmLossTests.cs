using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Distillation.Sfddm;
using RandCond.Tensors;
using RandCond.Tests.Diffusion;

namespace RandCond.Tests.Distillation.Sfddm;

/// <summary>
/// The loss against cases that can be worked out: a copy of the teacher has zero loss exactly where its own step t'
/// and the teacher's index(t') coincide, and for unrelated nets the loss is the hand-computed mean absolute differences.
/// </summary>
public class SfddmLossTests : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    private static (Tensor X0, Tensor Eps, Tensor Tokens) Batch(int size)
    {
        using var gen = new Generator(21);
        var x0 = Torch.Rand([size, 1, 8, 8], gen) * 2 - 1;
        var eps = Torch.Randn([size, 1, 8, 8], gen);
        return (x0, eps, SfddmTestNets.Tokens(Enumerable.Range(0, size).Select(i => (long)(i % 10)).ToArray()));
    }

    private static double Loss(TextDiffusionModel student, TextDiffusionModel teacher, NoiseSchedule studentSchedule, long[] steps)
    {
        using var scope = Torch.NewDisposeScope();
        var (x0, eps, tokens) = Batch(steps.Length);
        var terms = SfddmLoss.Compute(student, teacher, studentSchedule, x0, Torch.FromArray(steps), eps, tokens);
        return terms.Total.Item();
    }

    [Fact]
    public void CopyOfTheTeacherHasZeroLossWhenEveryStudentStepIsItsTeacherStep()
    {
        using var teacher = SfddmTestNets.Fresh(1);
        using var copy = SfddmTestNets.CopyOf(teacher);
        using var schedule = NoiseSchedule.Linear(1000);
        // T' = T: index(t') = t' under both lists
        using var full = SfddmSchedule.Student(schedule, 1000);
        Assert.Equal(0.0, Loss(copy, teacher, full, [3, 250, 999, 512]));
        // T' = 10: only t' = 0 maps to itself (teacher step 0)
        using var ten = SfddmSchedule.Student(schedule, 10);
        Assert.Equal(0.0, Loss(copy, teacher, ten, [0, 0, 0]));
        // elsewhere the copy sees t' in its time embedding but the teacher sees index(t') (here 999 and 555), so they differ
        Assert.True(Loss(copy, teacher, ten, [9, 5, 9]) > 1e-4);
    }

    [Fact]
    public void LossIsTheHandComputedMeanAbsoluteDifferenceOfOutputsAndHiddenFeatures()
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = SfddmTestNets.Fresh(1);
        using var student = SfddmTestNets.Fresh(2);
        using var schedule = NoiseSchedule.Linear(1000);
        using var studentSchedule = SfddmSchedule.Student(schedule, 10, SfddmIndexList.Leading);
        long[] steps = [0, 4, 9];
        var (x0, eps, tokens) = Batch(steps.Length);

        // By hand: x = sqrt(ab) x0 + sqrt(1 - ab) eps with the teacher's ab at c t' (c = 100), in double on the host.
        var x0h = x0.ToArray<float>();
        var epsh = eps.ToArray<float>();
        int per = x0h.Length / steps.Length;
        var xh = new float[x0h.Length];
        for (int i = 0; i < xh.Length; i++)
        {
            double ab = schedule.AlphaBar(100 * (int)steps[i / per]);
            xh[i] = (float)(Math.Sqrt(ab) * x0h[i] + Math.Sqrt(1 - ab) * epsh[i]);
        }
        var x = Torch.FromArray(xh, [steps.Length, 1, 8, 8]);
        using var capT = new FeatureCapture(["out.hidden"]);
        using var capS = new FeatureCapture(["out.hidden"]);
        var outT = teacher.Forward(x, Torch.FromArray(steps.Select(s => 100 * s).ToArray()), tokens, capT);
        var outS = student.Forward(x, Torch.FromArray(steps), tokens, capS);
        double MeanAbs(Tensor a, Tensor b)
        {
            var (ah, bh) = (a.Detach().ToArray<float>(), b.Detach().ToArray<float>());
            return ah.Zip(bh, (p, q) => Math.Abs((double)p - q)).Average();
        }
        double output = MeanAbs(outS, outT), feature = MeanAbs(capS["out.hidden"], capT["out.hidden"]);

        var terms = SfddmLoss.Compute(student, teacher, studentSchedule, x0, Torch.FromArray(steps), eps, tokens);
        Assert.Equal(output, terms.Output.Item(), 1e-5 * output);
        Assert.Equal(feature, terms.Feature.Item(), 1e-5 * feature);
        Assert.Equal(output + feature, terms.Total.Item(), 1e-5 * (output + feature));
        Assert.True(output > 1e-3 && feature > 1e-3, $"degenerate nets: output {output}, feature {feature}");

        var weighted = SfddmLoss.Compute(student, teacher, studentSchedule, x0, Torch.FromArray(steps), eps, tokens, outputWeight: 2, featureWeight: 0.5);
        Assert.Equal(2 * output + 0.5 * feature, weighted.Total.Item(), 1e-5 * (output + feature));

        // only the student gets gradients
        terms.Total.Backward();
        Assert.All(student.Parameters(), p => Assert.NotNull(p.Grad));
        Assert.All(teacher.Parameters(), p => Assert.Null(p.Grad));
    }
}
