using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Experiments.Runs;
using RandCond.Tensors;
using RandCond.Tests.Labs;

namespace RandCond.Tests.Distillation.RandomConditioning;

public sealed class DistillerTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("randcond-rc-").FullName;
    private static readonly CaptionCorpus Full = CaptionCorpus.Full(DatasetKind.Mnist);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static ImageSet RandomImageSet(int count)
    {
        using var generator = new Generator(8);
        using var images = Torch.Rand([count, 1, 28, 28], generator) * 2 - 1;
        using var labels = Torch.Randint(0, 9, [count], generator);  // no 9s: D lacks a digit C still names
        var captions = Full.Excluding(ConceptGroups.Digit(9));
        return ImageSet.FromLabeledImages(images, labels, captions, generator);
    }

    private static DistillationOptions Options(int steps) => new()
    {
        Steps = steps, BatchSize = 8, LearningRate = 2e-3, WarmupSteps = 1, LogEvery = 2, CheckpointEvery = 3, Seed = 5,
        Replacement = ReplacementProbability.Sigmoid(),
    };

    private (DistillationStudent Student, DistillationStudent Ema) Fresh(TextDiffusionModel teacher)
    {
        Torch.ManualSeed(21);
        return (new DistillationStudent(teacher, StudentSpec.BlockRemoved(StudentInit.Random)),
                new DistillationStudent(teacher, StudentSpec.BlockRemoved(StudentInit.Random)));
    }

    private static DistillationOutcome Train(DistillationOptions options, TextDiffusionModel teacher, DistillationStudent student,
        DistillationStudent ema, DistillationData data, string? checkpoint)
    {
        using var tokens = data.TextCorpus.Encode(RcTestNets.Tokenizer, RcTestNets.CaptionLength);
        using var nullTokens = RcTestNets.Tokenizer.NullTokens(1, RcTestNets.CaptionLength).Reshape(-1);
        using var schedule = NoiseSchedule.Linear(1000);
        return new RandomConditioningDistiller(options).Train(teacher, student, ema, schedule, data, tokens, nullTokens, checkpoint);
    }

    [Fact]
    public void Distillation_lowers_the_loss_and_reports_every_term()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(64);
        var data = new DistillationData(images, Full);
        var (student, ema) = Fresh(teacher);
        using var _ = student;
        using var __ = ema;
        var outcome = Train(Options(30) with { LogEvery = 10 }, teacher, student, ema, data, null);
        Assert.Equal(30, outcome.Steps);
        Assert.Equal(3, outcome.History.Count);
        var first = outcome.History[0];
        var last = outcome.History[^1];
        Assert.True(last.Total < 0.7 * first.Total, $"loss {first.Total} -> {last.Total}");
        foreach (var h in outcome.History)
        {
            Assert.Equal(h.Output + h.Feature, h.Total, 1e-4);
            Assert.Equal(0, h.Task);
            Assert.InRange(h.ReplacedFraction, 0.05, 0.6);
        }
    }

    [Fact]
    public void A_cuda_graph_run_on_the_cpu_is_refused_by_name()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(16);
        var (student, ema) = Fresh(teacher);
        using var _ = student;
        using var __ = ema;
        var e = Assert.Throws<ArgumentException>(() => Train(Options(2) with { CudaGraph = true }, teacher, student, ema, new DistillationData(images, Full), null));
        Assert.Contains("CudaGraph needs a CUDA device", e.Message);
    }

    [Fact]
    public void A_killed_run_resumed_from_its_checkpoint_equals_an_uninterrupted_one()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(40);
        var data = new DistillationData(images, Full);
        var (whole, wholeEma) = Fresh(teacher);
        using var _a = whole;
        using var _b = wholeEma;
        Train(Options(6), teacher, whole, wholeEma, data, null);

        var checkpoint = Path.Combine(folder, "resume.safetensors");
        var (first, firstEma) = Fresh(teacher);
        DistillationOutcome killed;
        using (first)
        using (firstEma)
            killed = Train(Options(6) with { Steps = 3 }, teacher, first, firstEma, data, checkpoint);
        var (resumed, resumedEma) = Fresh(teacher);
        using var _c = resumed;
        using var _d = resumedEma;
        var outcome = Train(Options(6), teacher, resumed, resumedEma, data, checkpoint);
        Assert.Equal(6, outcome.Steps);
        // the first run's reports come back from the checkpoint, so the history starts at its first report
        Assert.Equal([2, 3, 4, 6], outcome.History.Select(p => p.Step));
        Assert.Equal([true, true, false, false], outcome.History.Select(p => p.Restored));
        Assert.Equal(killed.History.Select(p => (p.Total, p.Task, p.ReplacedFraction)), outcome.History.Take(2).Select(p => (p.Total, p.Task, p.ReplacedFraction)));
        var expected = wholeEma.StateDict();
        foreach (var (name, value) in resumedEma.StateDict())
        {
            using var equal = value.Eq(expected[name]).All();
            Assert.True(equal.Item() != 0, $"EMA parameter {name} differs after resuming");
        }
    }

    [Fact]
    public void A_quick_run_through_the_experiment_helper_is_recorded_in_the_run_store()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(32);
        var data = new DistillationData(images, Full);
        using var store = new RunStore(Path.Combine(folder, "runs.sqlite"));
        var name = $"run-{Guid.NewGuid():N}";
        var (student, outcome, runId) = StudentDistillation.Run("test-experiment", name, RcTestNets.Pipeline(teacher),
            data, StudentSpec.BlockRemoved(), Options(4), Device.CPU, store, TextWriter.Null);
        using var _ = student;
        TestCheckpoints.Remove(name);
        store.Finish(runId, new Dictionary<string, double> { ["held_out_accuracy"] = 0.5 }, new Dictionary<string, string> { ["grid"] = "x.png" });

        var run = Assert.Single(store.Runs("test-experiment"));
        Assert.Equal("finished", run.Status);
        Assert.Equal("block-removed", run.Config["student"]!.GetValue<string>());
        Assert.Equal("sigmoid(20, 0.7)", run.Config["replacement"]!.GetValue<string>());
        Assert.Equal(0.5, run.Final["held_out_accuracy"]);
        Assert.Equal("x.png", run.Artefacts["grid"]);
        Assert.Equal([2, 4], store.Metric(runId, "loss_output").Select(m => m.Step).ToArray());
        Assert.Equal(outcome.History[^1].Feature, store.Metric(runId, "loss_feature")[^1].Value, 1e-6);
    }
}
