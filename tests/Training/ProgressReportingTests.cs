using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Experiments.Runs;
using RandCond.Tensors;
using RandCond.Tests.Distillation.RandomConditioning;
using RandCond.Training;
using RandCond.Tests.Labs;

namespace RandCond.Tests.Training;

/// <summary>The progress a notebook's live line is fed: a distillation run's reports and sampling's steps.</summary>
public sealed class ProgressReportingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("randcond-progress-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private sealed class Collector : IProgress<IProgressReport>
    {
        public List<IProgressReport> Reports { get; } = [];
        public void Report(IProgressReport value) => Reports.Add(value);
    }

    /// <summary>24 random images with random digit labels and their captions from <paramref name="corpus"/>.</summary>
    private static ImageSet RandomImages(CaptionCorpus corpus)
    {
        using var generator = new Generator(8);
        using var pixels = Torch.Rand([24, 1, 28, 28], generator) * 2 - 1;
        using var labels = Torch.Randint(0, 10, [24], generator);
        return ImageSet.FromLabeledImages(pixels, labels, corpus, generator);
    }

    [Fact]
    public void A_distillation_run_reports_every_window_through_the_given_progress_and_not_the_log()
    {
        using var teacher = RcTestNets.Teacher();
        var full = CaptionCorpus.Full(DatasetKind.Mnist);
        using var images = RandomImages(full);
        using var store = new RunStore(Path.Combine(folder, "runs.sqlite"));
        var options = new DistillationOptions { Steps = 7, BatchSize = 4, WarmupSteps = 1, LogEvery = 2, CheckpointEvery = 100, Seed = 3 };
        var progress = new Collector();
        var log = new StringWriter();
        var name = $"run-{Guid.NewGuid():N}";
        var (student, outcome, _) = StudentDistillation.Run("progress-test", name, RcTestNets.Pipeline(teacher),
            new DistillationData(images, full), StudentSpec.BlockRemoved(), options, Device.CPU, store, log, progress: progress);
        using var _s = student;
        TestCheckpoints.Remove(name);

        var reports = progress.Reports.Cast<DistillationProgress>().ToList();
        Assert.Equal([2, 4, 6, 7], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(7, r.TotalSteps));
        Assert.Equal(outcome.History, reports);
        var last = reports[^1].Snapshot;
        Assert.Equal(last.Total, last.Step);
        Assert.Equal(["loss", "output", "feature", "task", "replaced"], last.Values.Select(v => v.Name));
        Assert.All(reports, r => Assert.True(double.IsFinite(r.Total) && r.Total > 0 && r.ImagesPerSecond > 0, $"report {r}"));
        Assert.DoesNotContain("step 2/7", log.ToString());
    }

    [Fact]
    public void A_run_its_time_budget_stops_says_so_in_the_log()
    {
        using var teacher = RcTestNets.Teacher();
        var full = CaptionCorpus.Full(DatasetKind.Mnist);
        using var images = RandomImages(full);
        using var store = new RunStore(Path.Combine(folder, "runs.sqlite"));
        var options = new DistillationOptions { Steps = 7, BatchSize = 4, WarmupSteps = 1, LogEvery = 2, CheckpointEvery = 100, Seed = 3, TimeBudget = TimeSpan.Zero };
        var log = new StringWriter();
        var name = $"run-{Guid.NewGuid():N}";
        var (student, outcome, _) = StudentDistillation.Run("progress-test", name, RcTestNets.Pipeline(teacher),
            new DistillationData(images, full), StudentSpec.BlockRemoved(), options, Device.CPU, store, log);
        using var _s = student;
        TestCheckpoints.Remove(name);
        Assert.Equal(2, outcome.Steps);
        Assert.Contains("its time budget (0 min) stopped it after 2 of 7 steps", log.ToString());
    }

    [Fact]
    public void Sampling_every_class_reports_each_denoising_step_of_each_batch()
    {
        using var teacher = RcTestNets.Teacher();
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);
        using var tokens = corpus.Encode(RcTestNets.Tokenizer, RcTestNets.CaptionLength);
        using var nullTokens = RcTestNets.Tokenizer.NullTokens(1, RcTestNets.CaptionLength).Reshape(-1);
        using var schedule = NoiseSchedule.Linear(1000);
        var reports = new List<ClassSamplingProgress>();
        var (images, labels, _) = ClassSampling.EveryClass(teacher, new DdimSampler(schedule, 3), corpus, tokens, nullTokens, perClass: 1,
            guidance: 2, imageShape: [1, 28, 28], Device.CPU, seed: 4, batch: 4, progress: new SynchronousProgress<ClassSamplingProgress>(reports.Add));
        images.Dispose();
        labels.Dispose();

        // 10 images in batches of 4, 4 and 2: three batches of three DDIM steps.
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(9, r.TotalSteps));
        Assert.Equal([0L, 0, 4, 4, 4, 8, 8, 8, 10], reports.Select(r => r.Images));
        Assert.True(double.IsNaN(reports[0].ImagesPerSecond));
        Assert.True(reports[^1].ImagesPerSecond > 0);
    }
}
