using RandCond.Diffusion.UNet;
using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.RandomConditioning;

public sealed class DistillationLossTests
{
    private static readonly StudentSpec Copy = new("copy", t => t, StudentInit.Teacher);

    [Fact]
    public void Loss_is_zero_for_a_student_identical_to_the_teacher()
    {
        using var teacher = RcTestNets.Teacher();
        using var distill = new DistillationStudent(teacher, Copy);
        Assert.Empty(distill.CopyReport!.LeftRandom);
        using var generator = new Generator(2);
        using var x = Torch.Randn([3, 1, 28, 28], generator);
        using var t = Torch.FromArray(new long[] { 10, 500, 990 });
        using var tokens = Torch.Randint(1, 20, [3, RcTestNets.CaptionLength], generator);
        using var sc = new FeatureCapture(distill.Pairs.Select(p => p.Student));
        using var tc = new FeatureCapture(distill.Pairs.Select(p => p.Teacher));
        using var es = distill.Student.Forward(x, t, tokens, sc);
        using var et = teacher.Forward(x, t, tokens, tc);
        using var terms = DistillationLoss.Compute(es, et, sc, tc, distill.Pairs, distill.Projections, new LossWeights(1, 1, 0));
        Assert.Equal(0.0, terms.Total.Item());
        Assert.True(distill.Pairs.Count >= 5);
    }

    [Fact]
    public void Loss_matches_a_hand_computation_with_projections_and_the_masked_task_term()
    {
        using var generator = new Generator(6);
        using var es = Torch.Randn([2, 1, 2, 2], generator);
        using var et = Torch.Randn([2, 1, 2, 2], generator);
        using var eps = Torch.Randn([2, 1, 2, 2], generator);
        using var fs = Torch.Randn([2, 2, 2, 2], generator);
        using var ft = Torch.Randn([2, 3, 2, 2], generator);
        var pair = new FeaturePair("down.0.out", "down.0.out", 2, 3);
        using var projections = new FeatureProjections([pair]);
        using var sc = new FeatureCapture(["down.0.out"]);
        using var tc = new FeatureCapture(["down.0.out"]);
        sc.Offer("down.0.out", fs);
        tc.Offer("down.0.out", ft);
        using var kept = Torch.FromArray(new[] { true, false });
        using var terms = DistillationLoss.Compute(es, et, sc, tc, [pair], projections, new LossWeights(1, 0.5, 2), eps, kept);

        double[] S = es.ToArray<float>().Select(v => (double)v).ToArray(), T = et.ToArray<float>().Select(v => (double)v).ToArray();
        double[] E = eps.ToArray<float>().Select(v => (double)v).ToArray();
        double output = S.Zip(T).Average(p => (p.First - p.Second) * (p.First - p.Second));
        double task = Enumerable.Range(0, 4).Average(i => (S[i] - E[i]) * (S[i] - E[i]));  // only sample 0 kept its caption
        var w = projections.StateDict();
        double[] W = w["down_0_out.weight"].ToArray<float>().Select(v => (double)v).ToArray(), B = w["down_0_out.bias"].ToArray<float>().Select(v => (double)v).ToArray();
        double[] FS = fs.ToArray<float>().Select(v => (double)v).ToArray(), FT = ft.ToArray<float>().Select(v => (double)v).ToArray();
        double feature = 0;
        for (int b = 0; b < 2; b++)
            for (int o = 0; o < 3; o++)
                for (int p = 0; p < 4; p++)
                {
                    double projected = B[o] + W[o * 2] * FS[b * 8 + p] + W[o * 2 + 1] * FS[b * 8 + 4 + p];
                    double d = projected - FT[b * 12 + o * 4 + p];
                    feature += d * d / 24;
                }
        Assert.Equal(output, terms.Output.Item(), 1e-5);
        Assert.Equal(feature, terms.Feature.Item(), 1e-5);
        Assert.Equal(task, terms.Task.Item(), 1e-5);
        Assert.Equal(output + 0.5 * feature + 2 * task, terms.Total.Item(), 1e-5);
    }
}
