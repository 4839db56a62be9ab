using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>Small networks written with F and hand-written optimizers learn, and do so reproducibly.</summary>
public class TrainingTests
{
    private sealed record Run(double[] Losses, float[][] Weights);

    /// <summary>A 2-32-32-1 MLP fit to sin(2a)·cos(b) by a hand-written Adam.</summary>
    private static Run TrainRegressionWithAdam(ulong seed, int steps = 300)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(seed);
        var x = Torch.Rand([128, 2], g) * 4.0 - 2.0;
        var target = ((x.Select(1, 0) * 2.0).Sin() * x.Select(1, 1).Cos()).Unsqueeze(1);

        Tensor Init(long rows, long cols) => (Torch.Randn([rows, cols], g) * Math.Sqrt(1.0 / cols)).RequiresGrad_();
        Tensor[] parameters = [Init(32, 2), Torch.Zeros([32], requiresGrad: true),
                               Init(32, 32), Torch.Zeros([32], requiresGrad: true),
                               Init(1, 32), Torch.Zeros([1], requiresGrad: true)];
        var m = parameters.Select(Torch.ZerosLike).ToArray();
        var v = parameters.Select(Torch.ZerosLike).ToArray();
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;

        var losses = new double[steps];
        for (int t = 1; t <= steps; t++)
        {
            using var step = Torch.NewDisposeScope();
            var h = F.Linear(x, parameters[0], parameters[1]).Tanh();
            h = F.Silu(F.Linear(h, parameters[2], parameters[3]));
            var y = F.Linear(h, parameters[4], parameters[5]);
            var loss = F.MseLoss(y, target);
            loss.Backward();
            losses[t - 1] = loss.Item();
            double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t);
            using (Torch.NoGrad())
                for (int i = 0; i < parameters.Length; i++)
                {
                    var p = parameters[i];
                    var grad = p.Grad!;
                    m[i].MulInPlace(beta1).AddInPlace(grad, 1 - beta1);
                    v[i].MulInPlace(beta2).AddInPlace(grad.Square(), 1 - beta2);
                    var denominator = (v[i] / bc2).Sqrt() + eps;
                    p.AddInPlace(m[i] / denominator, -lr / bc1);
                    p.Grad = null;
                }
        }
        return new Run(losses, parameters.Select(p => p.ToArray<float>()).ToArray());
    }

    /// <summary>A conv classifier of 8×8 images (bright left half vs bright right half) by SGD with momentum.</summary>
    private static Run TrainConvClassifierWithSgd(ulong seed, int steps = 150)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(seed);
        var labels = Torch.Randint(0, 2, [64], g);
        var side = labels.To(DType.Float32).View(64, 1, 1, 1);
        var columns = Torch.Arange(8, DType.Float32).View(1, 1, 1, 8);
        var right = (columns >= 4).To(DType.Float32);
        var pattern = right * side + (1 - right) * (1 - side);
        var images = pattern.Expand(64, 1, 8, 8) + Torch.Randn([64, 1, 8, 8], g) * 0.5;

        var w1 = (Torch.Randn([4, 1, 3, 3], g) * 0.3).RequiresGrad_();
        var b1 = Torch.Zeros([4], requiresGrad: true);
        var w2 = (Torch.Randn([2, 4 * 4 * 4], g) * 0.1).RequiresGrad_();
        var b2 = Torch.Zeros([2], requiresGrad: true);
        Tensor[] parameters = [w1, b1, w2, b2];
        var velocity = parameters.Select(Torch.ZerosLike).ToArray();

        var losses = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            using var step = Torch.NewDisposeScope();
            var h = F.GroupNorm(F.Conv2d(images, w1, b1, padding: 1), 2).Relu();
            h = F.MaxPool2d(h, 2).Flatten(1);
            var loss = F.CrossEntropy(F.Linear(h, w2, b2), labels);
            loss.Backward();
            losses[t] = loss.Item();
            using (Torch.NoGrad())
                for (int i = 0; i < parameters.Length; i++)
                {
                    velocity[i].MulInPlace(0.9).AddInPlace(parameters[i].Grad!);
                    parameters[i].AddInPlace(velocity[i], -0.05);
                    parameters[i].Grad = null;
                }
        }
        return new Run(losses, parameters.Select(p => p.ToArray<float>()).ToArray());
    }

    [Fact]
    public void MlpWithAdamReducesLossTenfold()
    {
        var run = TrainRegressionWithAdam(17);
        double first = run.Losses[0], last = run.Losses[^1];
        Assert.True(double.IsFinite(last));
        Assert.True(last < first / 10, $"loss fell only from {first} to {last}");
    }

    [Fact]
    public void ConvClassifierWithSgdReducesLossTenfold()
    {
        var run = TrainConvClassifierWithSgd(5);
        double first = run.Losses[0], last = run.Losses[^1];
        Assert.True(last < first / 10, $"loss fell only from {first} to {last}");
    }

    [Fact]
    public void SameSeedGivesBitIdenticalRuns()
    {
        var a = TrainRegressionWithAdam(23, steps: 100);
        var b = TrainRegressionWithAdam(23, steps: 100);
        var c = TrainRegressionWithAdam(24, steps: 100);
        Assert.Equal(a.Losses, b.Losses); // exact equality of doubles
        Assert.Equal(a.Weights.Length, b.Weights.Length);
        for (int i = 0; i < a.Weights.Length; i++) Assert.Equal(a.Weights[i], b.Weights[i]);
        Assert.NotEqual(a.Losses[^1], c.Losses[^1]);

        var p = TrainConvClassifierWithSgd(3, steps: 40);
        var q = TrainConvClassifierWithSgd(3, steps: 40);
        Assert.Equal(p.Losses, q.Losses);
        for (int i = 0; i < p.Weights.Length; i++) Assert.Equal(p.Weights[i], q.Weights[i]);
    }
}
