using RandCond.Tests.Tensors;
using System.Diagnostics;
using RandCond.Data.Toy;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace RandCond.Tests.Diffusion;

/// <summary>
/// Samplers driven by the exact noise predictor of a Gaussian mixture must give back that mixture
/// (DESIGN.md section 4: the test that cannot lie). The mixture has unequal weights and correlated,
/// anisotropic covariances, so wrong signs, scales or schedule indices show up in the statistics.
/// </summary>
public class SamplerTests(ITestOutputHelper output) : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    private const int SampleCount = 20_000;

    private static GaussianMixture2D Data() => new(
        [0.2, 0.5, 0.3],
        [
            new Gaussian2D(-2.0, 0.5, 0.10, 0.05, 0.03),
            new Gaussian2D(1.5, -1.0, 0.06, 0.12, -0.04),
            Gaussian2D.Isotropic(0.5, 2.5, 0.08),
        ]);

    private List<string> Run(Sampler sampler, Denoiser model, ulong seed, string label)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(seed);
        var clock = Stopwatch.StartNew();
        var samples = sampler.Sample(model, [SampleCount, 2], g, DType.Float64);
        var failures = MixtureFit.Failures(samples, Data());
        output.WriteLine($"{label}: {clock.Elapsed.TotalSeconds:F1} s, {failures.Count} failures");
        foreach (var f in failures) output.WriteLine("  " + f);
        return failures;
    }

    [Fact]
    public void DdpmWithTheExactPredictorReproducesTheMixture()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var exact = new ExactNoisePredictor(Data(), schedule);
        var failures = Run(new DdpmSampler(schedule), Denoiser.Bind(exact, null), 11, "DDPM 1000 steps");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void DdimWithTheExactPredictorReproducesTheMixture()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var exact = new ExactNoisePredictor(Data(), schedule);
        var failures = Run(new DdimSampler(schedule, 50), Denoiser.Bind(exact, null), 12, "DDIM 50 steps");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void DdpmOnASubsequenceIsDdimWithEtaOne()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var exact = new ExactNoisePredictor(Data(), schedule);
        using var scope = Torch.NewDisposeScope();
        var model = Denoiser.Bind(exact, null);
        int[] steps = [0, 3, 40, 41, 200, 650, 999];
        using var g1 = new Generator(13);
        var ddpm = new DdpmSampler(schedule, steps).Sample(model, [2000, 2], g1, DType.Float64);
        using var g2 = new Generator(13);
        var ddim = new DdimSampler(schedule, steps, eta: 1).Sample(model, [2000, 2], g2, DType.Float64);
        Assert.True((ddpm - ddim).Abs().Max().Item() < 1e-9);
        // Ancestral sampling with few steps loses variance (it ignores Var[x_0 | x_t]); 250 steps is within tolerance.
        Assert.Empty(Run(new DdpmSampler(schedule, 250), model, 14, "DDPM 250 steps"));
    }

    [Fact]
    public void VAndX0ModelsSampleTheSameAsEpsilon()
    {
        using var schedule = NoiseSchedule.Cosine(1000);
        using var exact = new ExactNoisePredictor(Data(), schedule);
        var asV = new Denoiser((xt, t) =>
        {
            using var eps = exact.Predict(xt, t, null);
            return Parameterization.VFromEpsilon(schedule, xt, t, eps);
        }, Prediction.V);
        Assert.Empty(Run(new DdimSampler(schedule, 50), asV, 15, "DDIM 50 steps, v model, cosine"));
    }

    [Fact]
    public void TheMixtureCheckCatchesAShiftedTimestepOrAFlippedSign()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var predictor = new ExactNoisePredictor(Data(), schedule);
        var exact = Denoiser.Bind(predictor, null);
        var sampler = new DdimSampler(schedule, 50);
        Assert.Empty(Run(sampler, exact, 16, "DDIM 50 steps, exact"));

        var shifted = exact.WithTimesteps(t => (t + 300).Clamp(0, 999));
        Assert.NotEmpty(Run(sampler, shifted, 16, "DDIM 50 steps, timesteps shifted by +300"));
        var early = exact.WithTimesteps(t => (t - 100).Clamp(0, 999));
        Assert.NotEmpty(Run(sampler, early, 16, "DDIM 50 steps, timesteps shifted by -100"));
        var flipped = new Denoiser((xt, t) => -exact.Predict(xt, t), Prediction.Epsilon);
        Assert.NotEmpty(Run(sampler, flipped, 16, "DDIM 50 steps, eps sign flipped"));
        var mislabelled = new Denoiser(exact.Predict, Prediction.V);
        Assert.NotEmpty(Run(sampler, mislabelled, 16, "DDIM 50 steps, eps read as v"));
    }

    [Fact]
    public void GuidanceWithScaleOneIsTheConditionalModelInOneBatchedCall()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(3);
        var data = ToyPresets.TwoConditions();
        using var exact = new ExactNoisePredictor(data, schedule);
        var counting = new CountingDenoiser(exact);
        var xt = Torch.Randn([256, 2], g, DType.Float64) * 2;
        var t = Torch.Randint(0, 1000, [256], g);
        var labels = Torch.Randint(0, 2, [256], g);
        var nulls = Torch.Full([256], ConditionalGaussianMixture2D.Unconditional, DType.Int64);

        var conditional = exact.Predict(xt, t, labels);
        var unconditional = exact.Predict(xt, t, nulls);
        Assert.True((conditional - unconditional).Abs().Max().Item() > 0.1, "the test needs conditions that matter");

        var guided1 = ClassifierFreeGuidance.Bind(counting, labels, nulls, 1.0).Predict(xt, t);
        Assert.Equal(1, counting.Calls);
        Assert.Equal(512, counting.LastBatch);
        Assert.True((guided1 - conditional).Abs().Max().Item() < 1e-12);
        var guided0 = ClassifierFreeGuidance.Bind(exact, labels, nulls, 0.0).Predict(xt, t);
        Assert.True((guided0 - unconditional).Abs().Max().Item() < 1e-12);
        var guided = ClassifierFreeGuidance.Bind(exact, labels, nulls, 7.5).Predict(xt, t);
        var expected = unconditional + (conditional - unconditional) * 7.5;
        Assert.True((guided - expected).Abs().Max().Item() < 1e-10);
        // A null condition batch of -1 labels is the same as asking for the unconditional model.
        Assert.True((exact.Predict(xt, t, null) - unconditional).Abs().Max().Item() < 1e-12);
    }

    [Fact]
    public void ConditionalSamplingFollowsTheCondition()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        var data = ToyPresets.TwoConditions();
        using var exact = new ExactNoisePredictor(data, schedule);
        var labels = Torch.Full([4000], 1L, DType.Int64);
        using var g = new Generator(4);
        // The preset's narrow modes (variance 0.05) need more than 50 DDIM steps: at 50 the first-order ODE
        // steps near t = 0 shrink their variance by about 18%.
        var samples = new DdimSampler(schedule, 200).Sample(Denoiser.Bind(exact, labels), [4000, 2], g, DType.Float64);
        var failures = MixtureFit.Failures(samples, data.Conditions[1]);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void SeededSamplingIsReproducibleAndLeaksNothing()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var exact = new ExactNoisePredictor(Data(), schedule);
        var model = Denoiser.Bind(exact, null);
        var sampler = new DdpmSampler(schedule, 20);
        var steps = new List<SamplingStep>();
        double[] Draw(ulong seed, Action<SamplingStep>? progress = null)
        {
            using var g = new Generator(seed);
            using var x = sampler.Sample(model, [500, 2], g, DType.Float64, progress: progress);
            return x.ToArray<double>();
        }
        Draw(5);  // warms the schedule's and the predictor's tensor caches
        long live = LiveTensors.Settled();
        var first = Draw(5, steps.Add);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        output.WriteLine($"live tensors before {live}, after {Tensor.LiveCount}, native {Torch.NativeLiveTensors}");
        Assert.Equal(live, Tensor.LiveCount);
        Assert.Equal(first, Draw(5));
        Assert.NotEqual(first, Draw(6));
        Assert.Equal(20, steps.Count);
        Assert.Equal(new SamplingStep(0, 20, 999), steps[0]);
        Assert.Equal(new SamplingStep(19, 20, 49), steps[^1]);
        Assert.False(Torch.IsGradEnabled == false, "sampling must restore grad mode");
    }

    [Fact]
    public void ClippingBoundsTheX0EstimateAndBadModelsAreReported()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        var tooBright = new Denoiser((xt, t) => Torch.FullLike(xt, 5.0), Prediction.X0);
        using var g = new Generator(8);
        var clipped = new DdimSampler(schedule, 10, clipX0: 1.0).Sample(tooBright, [4, 1, 2, 2], g);
        Assert.Equal(1.0, clipped.Max().Item(), 1e-6);
        Assert.Equal(1.0, clipped.Min().Item(), 1e-6);
        var unclipped = new DdimSampler(schedule, 10).Sample(tooBright, [4, 1, 2, 2], g);
        Assert.Equal(5.0, unclipped.Min().Item(), 1e-5);
        var wrongShape = new Denoiser((xt, t) => Torch.Zeros([1]));
        var ex = Assert.Throws<InvalidOperationException>(() => new DdpmSampler(schedule, 5).Sample(wrongShape, [4, 2], g));
        Assert.Contains("DdpmSampler", ex.Message);
        Assert.Throws<ArgumentException>(() => new DdimSampler(schedule, [10, 5]));
    }

    [Fact]
    public void AGraphedSamplerReplaysTheEagerSamplerOrSaysItNeedsACudaBuild()
    {
        using var schedule = NoiseSchedule.Linear(100);
        var sampler = new DdimSampler(schedule, 10);
        Func<IReadOnlyList<Tensor>, Denoiser> bind = c => new Denoiser((xt, t) => xt * 0.1 + c[0]);
        if (!(Cuda.IsBuiltWithCuda && Cuda.IsAvailable))
        {
            var e = Assert.ThrowsAny<Exception>(() => new GraphedSampler(sampler, bind));
            Assert.Contains("CUDA build", e.Message);
            return;
        }
        using var scope = Torch.NewDisposeScope();
        var device = Device.CUDA(0);
        using var graphed = new GraphedSampler(sampler, bind);
        using var g = new Generator(3, device);
        for (int call = 0; call < 3; call++)
        {
            var noise = GaussianNoise.Sample([8, 2], DType.Float32, device, g);
            var condition = Torch.Full([8, 2], 0.1 * call, DType.Float32, device);
            var eager = sampler.Sample(bind([condition]), noise);
            var replayed = graphed.Sample(noise, condition);
            Assert.True((eager - replayed).Abs().Max().Item() < 1e-6, $"call {call}");
            Assert.Equal(call > 0, graphed.IsCaptured);
        }
        Assert.Throws<ArgumentException>(() => graphed.Sample(Torch.Zeros([4, 2], device: device), Torch.Zeros([4, 2], device: device)));
    }

    private sealed class CountingDenoiser(IDenoiser<Tensor> inner) : IDenoiser<Tensor>
    {
        public int Calls { get; private set; }
        public long LastBatch { get; private set; }
        public Prediction Prediction => inner.Prediction;

        public Tensor Predict(Tensor xt, Tensor t, Tensor? condition)
        {
            Calls++;
            LastBatch = xt.Size(0);
            return inner.Predict(xt, t, condition);
        }
    }
}
