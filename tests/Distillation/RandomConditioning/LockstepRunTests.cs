using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Tests.Distillation.RandomConditioning;

/// <summary>
/// Two students' distillation runs stepped together (<see cref="Lockstep"/>, what a lab with concurrent students does;
/// on the CPU they take turns) end with the weights and reports each run has alone.
/// </summary>
public sealed class LockstepRunTests
{
    private static readonly CaptionCorpus Full = CaptionCorpus.Full(DatasetKind.Mnist);

    private static DistillationOptions Options(ReplacementProbability replacement) => new()
    {
        Steps = 5, BatchSize = 8, LearningRate = 2e-3, WarmupSteps = 1, LogEvery = 2, CheckpointEvery = 100, Seed = 5, Replacement = replacement,
    };

    private sealed record Arm(DistillationStudent Student, DistillationStudent Ema, DistillationOptions Options) : IDisposable
    {
        public float[] Weights => Ema.Parameters().SelectMany(p => p.Data.ToArray<float>()).ToArray();
        public void Dispose()
        {
            Student.Dispose();
            Ema.Dispose();
        }
    }

    private static Arm NewArm(TextDiffusionModel teacher, ulong seed, ReplacementProbability replacement)
    {
        Torch.ManualSeed(seed);
        return new Arm(new DistillationStudent(teacher, StudentSpec.BlockRemoved()), new DistillationStudent(teacher, StudentSpec.BlockRemoved()), Options(replacement));
    }

    [Fact]
    public void Two_runs_in_lockstep_end_as_each_alone()
    {
        using var teacher = RcTestNets.Teacher();
        using var generator = new Generator(8);
        using var pixels = Torch.Rand([16, 1, 28, 28], generator) * 2 - 1;
        using var labels = Torch.Randint(0, 10, [16], generator);
        using var images = ImageSet.FromLabeledImages(pixels, labels, Full, generator);
        var data = new DistillationData(images, Full);
        using var tokens = data.TextCorpus.Encode(RcTestNets.Tokenizer, RcTestNets.CaptionLength);
        using var nullTokens = RcTestNets.Tokenizer.NullTokens(1, RcTestNets.CaptionLength).Reshape(-1);
        using var schedule = NoiseSchedule.Linear(1000);
        ReplacementProbability[] replacements = [ReplacementProbability.Off, ReplacementProbability.Sigmoid()];

        var alone = new List<(float[] Weights, DistillationOutcome Outcome)>();
        for (int i = 0; i < 2; i++)
        {
            using var arm = NewArm(teacher, 21 + (ulong)i, replacements[i]);
            var outcome = new RandomConditioningDistiller(arm.Options).Train(teacher, arm.Student, arm.Ema, schedule, data, tokens, nullTokens, null);
            alone.Add((arm.Weights, outcome));
        }

        var arms = new List<Arm>();
        var runs = new List<DistillationRun>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var arm = NewArm(teacher, 21 + (ulong)i, replacements[i]);
                arms.Add(arm);
                runs.Add(new RandomConditioningDistiller(arm.Options).Start(teacher, arm.Student, arm.Ema, schedule, data, tokens, nullTokens, null));
            }
            Lockstep.Run(runs, Device.CPU);
            for (int i = 0; i < 2; i++)
            {
                Assert.True(runs[i].Finished);
                Assert.Equal(alone[i].Weights, arms[i].Weights);
                Assert.Equal(5, runs[i].Outcome.Steps);
                Assert.Equal(alone[i].Outcome.History.Select(p => (p.Step, p.Total)), runs[i].Outcome.History.Select(p => (p.Step, p.Total)));
            }
            Assert.NotEqual(alone[0].Weights, alone[1].Weights);
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
            foreach (var arm in arms) arm.Dispose();
        }
    }
}
