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
        Assert.Equal(seen1[0].UnseenFdImprovement, (double)table["RC's FD gain"][0], 12);

        var reading = CompositionalResult.CompareReading([.. seen1, seen2]).Split(Environment.NewLine);
        Assert.Equal(2, reading.Length);
        Assert.StartsWith("D holding 1 of each digit's 4 combinations, 3 runs", reading[0]);
        double noRc = seen1.Average(r => r.NoRc.Unseen.FrechetDistance), rc = seen1.Average(r => r.Rc.Unseen.FrechetDistance);
        Assert.Contains($"{noRc:F2} without RC, {rc:F2} with it", reading[0]);
        Assert.StartsWith("D holding 2 of each digit's 4 combinations, 1 run:", reading[1]);
    }

    [Fact]
    public void TheFarthestUnseenClassOfEachDigitDiffersMostFromWhatDHoldsOfIt()
    {
        var one = CompositionalConfig.Quick;
        // One combination per digit in D: the class shown flips both thickness and slant.
        Assert.Equal(Enumerable.Range(0, 10).Select(d => AttributeCaptions.Label(d, 3 - d % 4)), one.FarthestUnseenClasses);
        foreach (var k in new[] { 1, 2, 3 })
        {
            var config = one with { CombinationsPerDigit = k };
            Assert.Equal(Enumerable.Range(0, 10), config.FarthestUnseenClasses.Select(AttributeCaptions.Digit));
            Assert.Subset(config.UnseenClasses.ToHashSet(), config.FarthestUnseenClasses.ToHashSet());
        }
    }

    [Fact]
    public void TheViewsShowTheFortyClassesTheBinsAndDMeasured()
    {
        var config = CompositionalConfig.Quick;
        var corpus = AttributeCaptions.Full();
        var classes = CompositionalViews.Classes(config, corpus);
        Assert.Equal(10, classes.Rows.Count);
        Assert.Equal(["digit", "thin upright", "thin slanted", "thick upright", "thick slanted"], classes.Columns.Select(c => c.Name));
        var cells = classes.Columns.Skip(1).SelectMany(c => Enumerable.Range(0, 10).Select(r => (string)c[r])).ToArray();
        Assert.Equal(30, cells.Count(c => c == "unseen"));
        Assert.Equal(10, cells.Count(c => c == "in D"));

        var bins = AttributeBins.LoadCommitted(DatasetKind.Mnist);
        var binsTable = CompositionalViews.Bins(bins);
        Assert.Equal(10, binsTable.Rows.Count);
        Assert.Equal(bins.Classes[7].Slant.Median, (double)binsTable["|slant| median"][7]);

        // Real test images captioned with the class their measures put them in: every one is measured as asked.
        using var test = ImageDataset.Load(DatasetKind.Mnist, DatasetSplit.Test, PixelRange.MinusOneOne, Device.CPU);
        using var images = test.Images.Narrow(0, 0, 400);
        using var digits = test.Labels.Narrow(0, 0, 400);
        using var combination = bins.Classify(images, digits);
        using var labels = digits * AttributeCaptions.Combinations + combination;
        using var generator = new Generator(1);
        using var set = ImageSet.FromLabeledImages(images, labels, corpus, generator);
        var withCounts = CompositionalViews.Classes(config, corpus, set);
        Assert.Contains(withCounts.Columns.Skip(1).SelectMany(c => Enumerable.Range(0, 10).Select(r => (string)c[r])), c => c.StartsWith("in D: ") && c.EndsWith(" images"));
        var measured = CompositionalViews.Measurements(set, bins);
        int distinct = labels.ToArray<long>().Distinct().Count();
        Assert.Equal(distinct, measured.Rows.Count);
        Assert.All(Enumerable.Range(0, (int)measured.Rows.Count), r => Assert.Equal("yes", (string)measured["as asked"][r]));
        Assert.All(Enumerable.Range(0, (int)measured.Rows.Count), r => Assert.Equal((string)measured["asked"][r], (string)measured["measured"][r]));

        // D's grid names each row by its compositional class.
        var grid = DistillationTableViews.ImageSetGrid(set, 4);
        Assert.InRange(grid.Cols, 1, 4);   // as many as the rarest class has, up to 4
        Assert.Equal(distinct, grid.Rows);
    }

    [Fact]
    public void TheSampleGridShowsEachModelOnEachClassAsked()
    {
        int perClass = 3;
        using var teacher = Torch.Zeros([40 * perClass, 1, 28, 28]);
        using var student = Torch.Ones([40 * perClass, 1, 28, 28]);
        var shown = CompositionalConfig.Quick.FarthestUnseenClasses;
        var grid = CompositionalViews.SampleGrid([teacher, student], ["teacher", "RC"], perClass, shown);
        Assert.Equal(shown.Count * 2 * perClass, grid.Count);
        Assert.Equal(perClass, grid.Cols);
        Assert.Equal(shown.Count * 2, grid.Rows);
        Assert.Equal(2, CompositionalViews.SampleGrid([teacher], ["teacher"], perClass, shown, columns: 2).Cols);
        Assert.Throws<ArgumentException>(() => CompositionalViews.SampleGrid([teacher, student], ["teacher"], perClass, shown));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompositionalViews.SampleGrid([teacher], ["teacher"], perClass, [40]));
    }

    [Fact]
    public void CompareAndReadingShowRcsGainOnWhatDLacks()
    {
        static CompositionalScores Scores(double fd, double allThree) => new(fd, 0.9, 0.8, 0.7, allThree);
        static CompositionalResult Run(string? source, double noRcFd, double rcFd) => new()
        {
            Scale = "quick", Teacher = "t", Student = "s", CombinationsPerDigit = 1, SeenClasses = CompositionalConfig.Quick.SeenClasses,
            ImageSet = "", TextCorpus = "", Distillation = "", Sampling = "", TestImagesSeen = 2500, TestImagesUnseen = 7500, SourceFile = source,
            Models = [new(CompositionalLab.TeacherModel, Scores(1, 0.8), Scores(2, 0.6)), new(CompositionalLab.StudentModel(false), Scores(3, 0.5), Scores(noRcFd, 0.2)),
                      new(CompositionalLab.StudentModel(true), Scores(3, 0.5), Scores(rcFd, 0.4))],
        };
        var table = CompositionalResult.Compare([Run(null, 10, 8), Run("results/compositional-paper-cuda.json", 4, 5)]);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal("this quick run", (string)table["run"][0]);
        Assert.Equal("results/compositional-paper-cuda.json", (string)table["run"][1]);
        Assert.Equal(0.2, (double)table["RC's FD gain"][0], 12);
        Assert.Equal(-0.25, (double)table["RC's FD gain"][1], 12);
        Assert.Equal(0.4, (double)table["all three, RC"][0]);
        Assert.Equal(10, (int)table["classes in D"][0]);
        Assert.Contains("(+20.0% for RC;", Run(null, 10, 8).Reading());
        Assert.Contains("(-25.0% for RC;", Run(null, 4, 5).Reading());
        Assert.Contains("(-0.0% for RC;", Run(null, 4, 4.0000001).Reading());   // a loss that rounds to zero keeps one sign
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
