using RandCond.Data;
using RandCond.Data.Attributes;
using RandCond.Experiments;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Labs;

/// <summary>The compositional experiment: its split of the forty classes, the compositional teacher's captions, and a smoke run end to end.</summary>
public class CompositionalTests
{
    [Fact]
    public void DHoldsOneCombinationPerDigitAndEveryAttributeWord()
    {
        var config = CompositionalConfig.Quick;
        Assert.Equal(10, config.SeenClasses.Count);
        Assert.Equal(30, config.UnseenClasses.Count);
        Assert.Equal(Enumerable.Range(0, 10), config.SeenClasses.Select(c => AttributeCaptions.Digit(c)).Order());
        Assert.Equal(Enumerable.Range(0, 4), config.SeenClasses.Select(c => AttributeCaptions.Combination(c)).Distinct().Order());
        Assert.Empty(config.SeenClasses.Intersect(config.UnseenClasses));

        var corpus = AttributeCaptions.Full();
        var d = config.ImageCaptions(corpus);
        Assert.Equal(config.SeenClasses, d.Classes);
        Assert.True(corpus.Covers(d));
        Assert.Equal(20, (config with { CombinationsPerDigit = 2 }).SeenClasses.Count);

        Assert.Contains("CombinationsPerDigit", Assert.Throws<ArgumentException>(() => (config with { CombinationsPerDigit = 4 }).Validate()).Message);
        Assert.Contains("DistillSteps", Assert.Throws<ArgumentException>(() => (config with { DistillSteps = 0 }).Validate()).Message);
        Assert.NotEqual(config.ArmName(false), config.ArmName(true));
    }

    [Fact]
    public void RecordsOfOtherSplitsAndSeedsGetFilesOfTheirOwn()
    {
        var paper = CompositionalConfig.Paper;
        Assert.Equal("compositional-paper-cuda", paper.FileStem(cuda: true));
        Assert.Equal("compositional-paper-seen2-cuda", (paper with { CombinationsPerDigit = 2 }).FileStem(cuda: true));
        Assert.Equal("compositional-paper-seed18-cuda", (paper with { Seed = 18 }).FileStem(cuda: true));
        Assert.NotEqual(paper.ArmName(true), (paper with { Seed = 18 }).ArmName(true));
    }

    [Fact]
    public void TheRecordedRunsCompareAcrossSeedsAndSplits()
    {
        var seen1 = new[] { "compositional-paper-cuda.json", "compositional-paper-seed18-cuda.json", "compositional-paper-seed19-cuda.json" }
            .Select(f => CompositionalResult.Recorded(f) ?? throw new Xunit.Sdk.XunitException($"results/{f} is missing")).ToList();
        var seen2 = CompositionalResult.Recorded("compositional-paper-seen2-cuda.json")!;
        var table = CompositionalResult.Compare([.. seen1, seen2]);
        Assert.Equal(4, table.Rows.Count);
        Assert.Equal(-seen1[0].UnseenFdImprovement, (double)table["RC's FD change"][0], 12);

        var reading = CompositionalResult.CompareReading([.. seen1, seen2]).Split(Environment.NewLine);
        Assert.Equal(2, reading.Length);
        Assert.StartsWith("D holding 1 of each digit's 4 combinations, 3 runs", reading[0]);
        double noRc = seen1.Average(r => r.NoRc.Unseen.FrechetDistance), rc = seen1.Average(r => r.Rc.Unseen.FrechetDistance);
        Assert.Contains($"{noRc:F2} without RC, {rc:F2} with it", reading[0]);
        Assert.StartsWith("D holding 2 of each digit's 4 combinations, 1 run:", reading[1]);
    }

    [Fact]
    public void TheCompositionalTeacherLearnsFortyClassesAndItsOwnWords()
    {
        var tokenizer = TeacherPreset.TokenizerFor("attribute-quick-teacher");
        var preset = TeacherPreset.For(DatasetKind.Mnist, tokenizer, "attribute-quick-teacher");
        Assert.True(preset.Compositional);
        Assert.Equal("mnist-attribute-quick-teacher.safetensors", preset.FileName);
        Assert.Equal(40, preset.Corpus().NumClasses);
        Assert.NotEqual(WordTokenizer.UnknownId, tokenizer.IdOf("upright"));
        Assert.False(TeacherPreset.For(DatasetKind.Mnist, WordTokenizer.ForDatasets(), "quick-teacher").Compositional);
        Assert.Throws<ArgumentException>(() => TeacherPreset.For(DatasetKind.FashionMnist, tokenizer, "attribute-teacher"));
    }

    [Fact]
    public void EachTrainingImageIsCaptionedWithItsOwnMeasuredAttributes()
    {
        var preset = TeacherPreset.For(DatasetKind.Mnist, TeacherPreset.TokenizerFor("attribute-teacher"), "attribute-teacher");
        using var data = ImageDataset.Load(DatasetKind.Mnist, DatasetSplit.Test, PixelRange.MinusOneOne, Device.CPU);
        using var classes = TeacherLab.CaptionClassOf(preset, data);
        using var combination = AttributeBins.LoadCommitted(DatasetKind.Mnist).Classify(data.Images, data.Labels, data.Range);
        var c = classes.ToArray<long>();
        var digits = data.Labels.ToArray<long>();
        var combinations = combination.ToArray<long>();
        Assert.All(Enumerable.Range(0, c.Length), i => Assert.Equal(digits[i] * 4 + combinations[i], c[i]));
        // Every one of the forty classes is a real share of the images (the bins split each digit at its median).
        Assert.All(c.GroupBy(x => x).Select(g => g.Count()), n => Assert.InRange(n, c.Length / 40 / 3, c.Length / 40 * 3));
        Assert.Equal(40, c.Distinct().Count());
    }

    [Fact]
    public void ASmokeRunScoresTeacherAndBothStudentsOnTheClassesDLacks()
    {
        var teachers = Directory.CreateTempSubdirectory("rc-compositional-").FullName;
        try
        {
            var log = new StringWriter();
            var checkpoint = Path.Combine(teachers, "teacher-checkpoint.ckpt2.safetensors");
            TeacherLab.Train(DatasetKind.Mnist, "attribute-quick-teacher", Device.CPU, log, steps: 2, batch: 8, checkpoint: checkpoint);
            var teacher = Path.Combine(RepoPaths.TeachersOut(), "mnist-attribute-quick-teacher.safetensors");
            var config = CompositionalConfig.Smoke with { Teacher = teacher };
            var result = CompositionalLab.Run(config, log);

            Assert.Equal(["teacher", "student, no RC", "student, RC"], result.Models.Select(m => m.Model));
            Assert.All(result.Models, m =>
            {
                foreach (var s in new[] { m.Seen, m.Unseen })
                {
                    Assert.True(double.IsFinite(s.FrechetDistance) && s.FrechetDistance >= 0, $"{m.Model}: FD {s.FrechetDistance}");
                    foreach (var share in new[] { s.DigitAccuracy, s.ThicknessAccuracy, s.SlantAccuracy, s.AllThreeAccuracy }) Assert.InRange(share, 0, 1);
                    Assert.True(s.AllThreeAccuracy <= Math.Min(s.DigitAccuracy, Math.Min(s.ThicknessAccuracy, s.SlantAccuracy)) + 1e-12);
                }
            });
            Assert.Equal(10_000, result.TestImagesSeen + result.TestImagesUnseen);
            Assert.InRange(result.TestImagesSeen, 1_500, 3_500);   // 10 of 40 classes, about a quarter of the test set

            var path = Path.Combine(teachers, "record.json");
            RecordedRuns.Write(path, result);
            var back = CompositionalResult.Load(path);
            Assert.Equal(result.Rc.Unseen, back.Rc.Unseen);
            Assert.Equal(result.UnseenFdImprovement, back.UnseenFdImprovement, 12);
            Assert.Contains("classes D lacks", result.Reading());
            Assert.Equal(6, result.Table().Rows.Count);

            var plain = CompositionalConfig.Smoke with { Teacher = RepoPaths.Data("teachers", "mnist-quick-teacher.safetensors") };
            var e = Assert.Throws<ArgumentException>(() => CompositionalLab.Run(plain, TextWriter.Null));
            Assert.Contains("not trained on compositional captions", e.Message);
        }
        finally
        {
            Directory.Delete(teachers, true);
        }
    }
}
