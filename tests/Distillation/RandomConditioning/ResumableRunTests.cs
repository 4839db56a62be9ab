using System.Diagnostics;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Tests.Distillation.RandomConditioning;

/// <summary>A random-conditioning run's checkpoint: keyed by its whole recipe, cleaned of stale writes, and resumed without a trace in its reports or weights.</summary>
public sealed class ResumableRunTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("randcond-resume-").FullName;
    private static readonly CaptionCorpus Full = CaptionCorpus.Full(DatasetKind.Mnist);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static ImageSet RandomImageSet(int count, ulong seed = 8)
    {
        using var generator = new Generator(seed);
        using var images = Torch.Rand([count, 1, 28, 28], generator) * 2 - 1;
        using var labels = Torch.Randint(0, 10, [count], generator);
        return ImageSet.FromLabeledImages(images, labels, Full, generator);
    }

    private static DistillationOptions Options(int steps) => new()
    {
        Steps = steps, BatchSize = 8, LearningRate = 2e-3, WarmupSteps = 1, LogEvery = 2, CheckpointEvery = 3, Seed = 5,
        Replacement = ReplacementProbability.Sigmoid(),
    };

    private static (DistillationStudent Student, DistillationStudent Ema) Fresh(TextDiffusionModel teacher)
    {
        Torch.ManualSeed(21);
        return (new DistillationStudent(teacher, StudentSpec.BlockRemoved()), new DistillationStudent(teacher, StudentSpec.BlockRemoved()));
    }

    private static DistillationOutcome Train(TextDiffusionModel teacher, DistillationData data, string? checkpoint,
        IProgress<DistillationProgress>? progress = null, CancellationToken cancel = default) =>
        TrainWithWeights(teacher, data, checkpoint, progress, cancel).Outcome;

    /// <summary>A run and the student's and the EMA's weights at its end.</summary>
    private static (DistillationOutcome Outcome, float[] Student, float[] Ema) TrainWithWeights(TextDiffusionModel teacher, DistillationData data,
        string? checkpoint, IProgress<DistillationProgress>? progress = null, CancellationToken cancel = default)
    {
        var (student, ema) = Fresh(teacher);
        using var _s = student;
        using var _e = ema;
        using var tokens = data.TextCorpus.Encode(RcTestNets.Tokenizer, RcTestNets.CaptionLength);
        using var nullTokens = RcTestNets.Tokenizer.NullTokens(1, RcTestNets.CaptionLength).Reshape(-1);
        using var schedule = NoiseSchedule.Linear(1000);
        var outcome = new RandomConditioningDistiller(Options(6)).Train(teacher, student, ema, schedule, data, tokens, nullTokens, checkpoint, progress, cancel);
        static float[] Weights(RandCond.Nn.Module m) => m.Parameters().SelectMany(p => p.Data.ToArray<float>()).ToArray();
        return (outcome, Weights(student), Weights(ema));
    }

    [Fact]
    public void The_checkpoint_name_changes_with_anything_that_changes_the_weights_and_only_with_that()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(16);
        using var otherImages = RandomImageSet(16, seed: 9);
        var data = new DistillationData(images, Full);
        var spec = StudentSpec.BlockRemoved();
        string PathOf(DistillationOptions o, DistillationData? d = null, StudentSpec? s = null, string teacherFingerprint = "0123456789abcdef") =>
            StudentDistillation.CheckpointPath("exp", "arm", StudentDistillation.Recipe(teacherFingerprint, d ?? data, s ?? spec, RcTestNets.Net, o, 1000));

        var options = Options(6);
        var original = PathOf(options);
        Assert.Equal(original, PathOf(Options(6)));
        Assert.Equal(original, PathOf(options with { TimeBudget = TimeSpan.FromMinutes(3), LogEvery = 7, CheckpointEvery = 11 }));
        Assert.Equal(original, PathOf(options with { OverlappedTeacher = true }));  // the fork changes no value
        Assert.NotEqual(original, PathOf(options with { LearningRate = 0.5 }));
        Assert.NotEqual(original, PathOf(options with { BatchSize = 64 }));
        Assert.NotEqual(original, PathOf(options with { Steps = 7 }));
        Assert.NotEqual(original, PathOf(options with { Seed = 6 }));
        Assert.NotEqual(original, PathOf(options with { Replacement = ReplacementProbability.Exponential() }));
        Assert.NotEqual(original, PathOf(options with { Weights = new LossWeights(Task: 1) }));
        Assert.NotEqual(original, PathOf(options, d: new DistillationData(otherImages, Full)));
        using (var generator = new Generator(3))
        using (var labels = Torch.Randint(0, 9, [16], generator))
        using (var noNines = ImageSet.FromLabeledImages(images.Images, labels, Full.Excluding(ConceptGroups.Digit(9)), generator))
            Assert.NotEqual(PathOf(options, d: new DistillationData(noNines, Full)), PathOf(options, d: new DistillationData(noNines, noNines.Captions)));
        Assert.NotEqual(original, PathOf(options, s: StudentSpec.BlockRemovedNoMiddle()));
        Assert.NotEqual(original, PathOf(options, teacherFingerprint: "fedcba9876543210"));
    }

    [Fact]
    public void A_stale_temporary_file_of_an_interrupted_checkpoint_write_is_removed_on_the_next_start()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(16);
        var checkpoint = Path.Combine(folder, "arm.safetensors");
        int deadPid = Enumerable.Range(4_000_000, 1000).First(id => !IsRunning(id));
        var stale = Path.Combine(folder, $".arm.safetensors.{deadPid}.tmp");
        var unrelated = Path.Combine(folder, $".other.safetensors.{deadPid}.tmp");
        File.WriteAllText(stale, "half a checkpoint");
        File.WriteAllText(unrelated, "another run's");

        Train(teacher, new DistillationData(images, Full), checkpoint);

        Assert.False(File.Exists(stale), "the stale temporary file is still there");
        Assert.True(File.Exists(unrelated), "another checkpoint's temporary file was removed");
        Assert.True(File.Exists(checkpoint));
    }

    [Fact]
    public void A_run_interrupted_between_reports_and_resumed_reports_and_ends_with_the_weights_of_the_uninterrupted_run()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(40);
        var data = new DistillationData(images, Full);
        var (wholeOutcome, wholeStudent, wholeEma) = TrainWithWeights(teacher, data, null);
        var whole = wholeOutcome.History;
        Assert.Equal([2, 4, 6], whole.Select(p => p.Step));

        // Checkpoints every 3 steps, reports every 2: killed after the report of step 4, it resumes from step 3, inside a window.
        var checkpoint = Path.Combine(folder, "interrupted.safetensors");
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Train(teacher, data, checkpoint,
            new SynchronousProgress<DistillationProgress>(p => { if (p.Step == 4) cancel.Cancel(); }), cancel.Token));
        var (resumedOutcome, resumedStudent, resumedEma) = TrainWithWeights(teacher, data, checkpoint);
        var resumed = resumedOutcome.History;
        Assert.Equal(wholeStudent, resumedStudent);
        Assert.Equal(wholeEma, resumedEma);

        Assert.Equal(whole.Select(p => p.Step), resumed.Select(p => p.Step));
        Assert.Equal([true, false, false], resumed.Select(p => p.Restored));
        Assert.Equal(whole.Select(p => (p.Total, p.Output, p.Feature, p.Task, p.ReplacedFraction)),
                     resumed.Select(p => (p.Total, p.Output, p.Feature, p.Task, p.ReplacedFraction)));
    }

    private static bool IsRunning(int id)
    {
        try
        {
            using var p = Process.GetProcessById(id);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
