using System.Diagnostics;
using RandCond.Data.Toy;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation;
using RandCond.Tensors;
using RandCond.Tests.Diffusion;
using Xunit.Abstractions;

namespace RandCond.Tests.Distillation.Toy;

/// <summary>
/// Random conditioning against an exact teacher. The data are three 2-D Gaussians, one per condition; the teacher is
/// the closed-form noise predictor of that mixture, so it knows every condition exactly. D holds samples of
/// conditions 0 and 1 only; C holds all three. A small MLP student is distilled from the teacher on D by the library's
/// distiller twice: with random conditioning (p(t) exponential, the paper's default) and without. Sampled under the
/// held-out condition 2 with DDIM, the random-conditioning student must land on condition 2's mode and the other must
/// not; both must land on a condition D has.
/// </summary>
public sealed class ToyClosedFormDistillationTests(ITestOutputHelper output) : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    private const int HeldOut = 2, Conditions = 3;
    private const double Radius = 2, Variance = 0.05, Near = 0.75;

    /// <summary>Three isotropic Gaussians on a circle of radius 2, 120 degrees apart.</summary>
    public static ConditionalGaussianMixture2D Data() => new(
        Enumerable.Range(0, Conditions).Select(c =>
        {
            double angle = Math.PI / 2 + 2 * Math.PI * c / Conditions;
            return new GaussianMixture2D(Gaussian2D.Isotropic(Radius * Math.Cos(angle), Radius * Math.Sin(angle), Variance));
        }).ToArray());

    /// <summary>How the samples of one condition sit on that condition's mode.</summary>
    public sealed record ModeFit(double FractionNear, double MeanDistance)
    {
        public override string ToString() => $"{FractionNear:P0} within {Near} of the mode, mean distance {MeanDistance:F2}";
    }

    private static ModeFit Fit(Tensor samples, Gaussian2D mode)
    {
        using var scope = Torch.NewDisposeScope();
        var centre = Torch.FromArray(new[] { mode.MeanX, mode.MeanY }).Reshape(1, 2);
        var distance = (samples.To(DType.Float64) - centre).Square().Sum([1]).Sqrt();
        return new ModeFit((distance < Near).To(DType.Float64).Mean().Item(), distance.Mean().Item());
    }

    private static DistillationOptions Options(ReplacementProbability p, ulong seed) => new()
    {
        Steps = 1500, BatchSize = 256, LearningRate = 2e-3, WarmupSteps = 50, EmaDecay = 0.995, LogEvery = 500,
        CheckpointEvery = int.MaxValue, Seed = seed, Replacement = p,
    };

    /// <summary>Distils a fresh student with p(t) and samples condition 2 and condition 0 from its EMA copy with DDIM, from fixed noise.</summary>
    private (ModeFit HeldOut, ModeFit Seen, string HeldOutByMode, TimeSpan Took) Arm(string name, ReplacementProbability p, ulong seed)
    {
        var clock = Stopwatch.StartNew();
        var data = Data();
        using var schedule = NoiseSchedule.Linear(1000);
        using var teacher = new ExactNoisePredictor(data, schedule);
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(seed);
        // D: 2,000 samples of the conditions other than the held-out one; C: every condition.
        var own = Torch.Randint(0, Conditions - 1, [2000], g);
        var samples = data.Sample(own, g).To(DType.Float32);
        var pool = new ConditionPool(Torch.Arange(Conditions), Torch.Scalar(ConditionalGaussianMixture2D.Unconditional, DType.Int64));
        Torch.ManualSeed(seed);
        using var student = new StudentModel(new ToyMlpStudent(Conditions), [], name);
        using var ema = new StudentModel(new ToyMlpStudent(Conditions), [], name);
        var outcome = new RandomConditioningDistiller(Options(p, seed))
            .Train(teacher, student, ema, schedule, new DistillationInputs(samples, own, pool), checkpointPath: null);
        foreach (var r in outcome.History) output.WriteLine($"  {name}: {r}");

        var sampler = new DdimSampler(schedule, 50);
        var noise = Torch.Randn([1000, 2], g);
        var heldOut = sampler.Sample(Denoiser.Bind(ema.Network, Torch.Full([1000], (long)HeldOut, DType.Int64)), noise);
        var seen = sampler.Sample(Denoiser.Bind(ema.Network, Torch.Full([1000], 0L, DType.Int64)), noise);
        // Where the held-out samples went: the fraction near each condition's mode.
        var byMode = string.Join(", ", Enumerable.Range(0, Conditions).Select(c => $"{Fit(heldOut, data.Conditions[c].Components[0]).FractionNear:P0} near mode {c}"));
        return (Fit(heldOut, data.Conditions[HeldOut].Components[0]), Fit(seen, data.Conditions[0].Components[0]), byMode, clock.Elapsed);
    }

    [Fact]
    public void Only_the_random_conditioning_student_learns_the_condition_absent_from_D()
    {
        const ulong seed = 1;
        var rc = Arm("RC", ReplacementProbability.Exponential(), seed);
        var plain = Arm("no RC", ReplacementProbability.Off, seed);
        output.WriteLine($"RC    ({rc.Took.TotalSeconds:F1} s): held-out {rc.HeldOut} ({rc.HeldOutByMode}); seen {rc.Seen}");
        output.WriteLine($"no RC ({plain.Took.TotalSeconds:F1} s): held-out {plain.HeldOut} ({plain.HeldOutByMode}); seen {plain.Seen}");

        Assert.True(rc.Seen.FractionNear >= 0.9 && plain.Seen.FractionNear >= 0.9,
            $"both students should have learned condition 0 of D: RC {rc.Seen}, no RC {plain.Seen}");
        Assert.True(rc.HeldOut.FractionNear >= 0.8, $"the random-conditioning student misses the held-out condition: {rc.HeldOut}");
        Assert.True(plain.HeldOut.FractionNear <= 0.2, $"the student without random conditioning lands on the held-out condition: {plain.HeldOut}");
    }

    [Fact]
    public void Inputs_that_do_not_fit_are_refused_by_name()
    {
        var data = Data();
        using var schedule = NoiseSchedule.Linear(1000);
        using var exact = new ExactNoisePredictor(data, schedule);
        var e = Assert.Throws<ArgumentException>(() => new StudentModel(exact, [], "closed form"));
        Assert.Contains("must be a Module", e.Message);

        using var scope = Torch.NewDisposeScope();
        var pool = new ConditionPool(Torch.Arange(Conditions), Torch.Scalar(-1, DType.Int64));
        var samples = Torch.Zeros([4, 2]);
        var outOfPool = new DistillationInputs(samples, Torch.FromArray(new long[] { 0, 1, 2, 3 }), pool);
        e = Assert.Throws<ArgumentException>(() => new DistillationBatches(outOfPool, schedule, Options(ReplacementProbability.Off, 1)));
        Assert.Contains("condition pool C holds 3", e.Message);
        var tooFew = new DistillationInputs(samples, Torch.FromArray(new long[] { 0, 1 }), pool);
        e = Assert.Throws<ArgumentException>(() => new DistillationBatches(tooFew, schedule, Options(ReplacementProbability.Off, 1)));
        Assert.Contains("to match D's samples", e.Message);
    }

    [Fact]
    public void Named_features_of_any_network_are_matched()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(3);
        Torch.ManualSeed(3);
        using var teacher = new ToyMlpStudent(Conditions);
        teacher.RequiresGrad(false);
        var pairs = new[] { new FeaturePair("hidden", "hidden", 128, 128) };
        using var student = new StudentModel(new ToyMlpStudent(Conditions), pairs, "mlp");
        using var ema = new StudentModel(new ToyMlpStudent(Conditions), pairs, "mlp");
        var own = Torch.Randint(0, Conditions, [256], g);
        var inputs = new DistillationInputs(Data().Sample(own, g).To(DType.Float32), own,
                                            new ConditionPool(Torch.Arange(Conditions), Torch.Scalar(-1, DType.Int64)));
        var history = new RandomConditioningDistiller(Options(ReplacementProbability.Off, 3) with { Steps = 60, LogEvery = 20 })
            .Train(teacher, student, ema, schedule, inputs, checkpointPath: null).History;
        foreach (var r in history) output.WriteLine(r.ToString());
        Assert.All(history, r => Assert.Equal(r.Output + r.Feature, r.Total, 1e-5));
        Assert.True(history[^1].Feature < 0.5 * history[0].Feature, $"feature loss {history[0].Feature} -> {history[^1].Feature}");
    }
}
