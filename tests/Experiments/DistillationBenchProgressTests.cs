using RandCond.Data;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Training;

namespace RandCond.Tests.Labs;

public sealed class DistillationBenchProgressTests
{
    private sealed class Recorder : IProgress<IProgressReport>
    {
        public List<long> Steps { get; } = [];
        public void Report(IProgressReport value) { lock (Steps) Steps.Add(value.Snapshot.Step); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_arm_hears_its_own_progress_and_asks_for_its_sampling_line_when_its_sampling_starts(bool sideBySide)
    {
        // Names of this test's own give it checkpoints of its own; they are removed after, so every run trains.
        var config = HeldOutDigitConfig.Smoke with
        {
            DistillSteps = 3, FastPaths = sideBySide ? CudaFastPaths.Off with { ConcurrentStudents = true } : CudaFastPaths.Off,
        };
        string tag = $"progress-test-{Guid.NewGuid():N}";
        using var bench = HeldOutDigitLab.OpenBench(config, TextWriter.Null);
        var (corpus, imageCaptions) = HeldOutDigitLab.Corpora(config);
        using var images = bench.Generate(imageCaptions, config.Recipe(bench.Preset.GuidanceScale));
        var data = new DistillationData(images, corpus);
        var arms = new[] { ("a", ReplacementProbability.Off), ("b", ReplacementProbability.Exponential()) }
            .Select(a => HeldOutDigitLab.Arm(config, data, a.Item1, a.Item2) with { Name = $"{tag}-{a.Item1}" }).ToList();
        var asked = new List<string>();
        var training = arms.ToDictionary(a => a.Name, _ => new Recorder());
        var sampling = arms.ToDictionary(a => a.Name, _ => new Recorder());
        try
        {
            var results = bench.Run(arms, config.Sampling(),
                arm => { asked.Add($"train {arm.Name[^1]}"); return training[arm.Name]; },
                arm => { asked.Add($"sample {arm.Name[^1]}"); return sampling[arm.Name]; });
            foreach (var r in results) r.Dispose();
        }
        finally
        {
            TestCheckpoints.Remove(tag);
        }

        Assert.Equal(sideBySide ? ["train a", "train b", "sample a", "sample b"] : ["train a", "sample a", "train b", "sample b"], asked);
        foreach (var arm in arms)
        {
            Assert.Equal(3, training[arm.Name].Steps.Max());
            Assert.Equal(training[arm.Name].Steps.Order(), training[arm.Name].Steps);   // one run's reports, in order
            Assert.NotEmpty(sampling[arm.Name].Steps);
        }
    }
}
