using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.RandomConditioning;

public sealed class DistillationPreviewTests
{
    private static readonly CaptionCorpus Full = CaptionCorpus.Full(DatasetKind.Mnist);

    private static ImageSet RandomImageSet(int count)
    {
        using var generator = new Generator(8);
        using var images = Torch.Rand([count, 1, 28, 28], generator) * 2 - 1;
        using var labels = Torch.Randint(0, 10, [count], generator);
        return ImageSet.FromLabeledImages(images, labels, Full, generator);
    }

    private static DistillationOptions Options(ReplacementProbability p) => new()
    {
        Steps = 1, BatchSize = 12, LearningRate = 1e-3, WarmupSteps = 1, LogEvery = 1, Seed = 9, Replacement = p,
        Weights = new LossWeights(Output: 1, Feature: 0.5, Task: 0.25),
    };

    private static DistillationStudent Student(TextDiffusionModel teacher)
    {
        Torch.ManualSeed(21);
        return new DistillationStudent(teacher, StudentSpec.BlockRemoved());
    }

    private static DistillationPreview Preview(TextDiffusionModel teacher, DistillationStudent student, DistillationData data, DistillationOptions options, int batchSize)
    {
        using var tokens = data.TextCorpus.Encode(RcTestNets.Tokenizer, RcTestNets.CaptionLength);
        using var nullTokens = RcTestNets.Tokenizer.NullTokens(1, RcTestNets.CaptionLength).Reshape(-1);
        using var schedule = NoiseSchedule.Linear(1000);
        return DistillationPreview.Run(teacher, student, schedule, data, tokens, nullTokens, options, batchSize);
    }

    [Fact]
    public void With_p_zero_no_caption_is_replaced_and_with_p_one_every_caption_is()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(20);
        var data = new DistillationData(images, Full);
        using var student = Student(teacher);

        var off = Preview(teacher, student, data, Options(ReplacementProbability.Off), 16);
        Assert.All(off.Samples, s => Assert.False(s.Replaced));
        Assert.All(off.Samples, s => Assert.Equal(0, s.ReplacementProbability));
        Assert.All(off.Samples.Where(s => !s.Dropped), s => Assert.Equal(s.OriginalCaption, s.UsedCaption));

        var all = Preview(teacher, student, data, Options(ReplacementProbability.Constant(1)), 16);
        Assert.All(all.Samples, s => Assert.True(s.Replaced));
        Assert.Equal(1, all.ReplacedFraction);
        // 16 captions drawn from C's 100+ at random: at least one differs from the image's own
        Assert.Contains(all.Samples, s => !s.Dropped && s.UsedCaption != s.OriginalCaption);
    }

    [Fact]
    public void The_loss_terms_equal_the_training_steps_on_the_same_batch_and_no_weight_changes()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(30);
        var data = new DistillationData(images, Full);
        var options = Options(ReplacementProbability.Constant(0.5));

        using var previewed = Student(teacher);
        var before = previewed.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        var preview = Preview(teacher, previewed, data, options, options.BatchSize);
        foreach (var (name, value) in previewed.StateDict())
        {
            using var equal = value.Eq(before[name]).All();
            Assert.True(equal.Item() != 0, $"the preview changed {name}");
            before[name].Dispose();
        }

        using var trained = Student(teacher);
        using var ema = Student(teacher);
        using var tokens = data.TextCorpus.Encode(RcTestNets.Tokenizer, RcTestNets.CaptionLength);
        using var nullTokens = RcTestNets.Tokenizer.NullTokens(1, RcTestNets.CaptionLength).Reshape(-1);
        using var schedule = NoiseSchedule.Linear(1000);
        var step = new RandomConditioningDistiller(options).Train(teacher, trained, ema, schedule, data, tokens, nullTokens, null).History[0];

        Assert.True(preview.Task > 0 && preview.Feature > 0, $"{preview}");
        Assert.Equal(step.Total, preview.Total, 1e-6);
        Assert.Equal(step.Output, preview.Output, 1e-6);
        Assert.Equal(step.Feature, preview.Feature, 1e-6);
        Assert.Equal(step.Task, preview.Task, 1e-6);
        Assert.Equal(step.ReplacedFraction, preview.ReplacedFraction, 1e-6);
        Assert.Equal(preview.Output, preview.Samples.Average(s => s.StudentTeacherMse), 1e-5);
    }

    [Fact]
    public void Its_table_has_a_row_per_sample_and_its_grid_three_rows_of_the_batch()
    {
        using var teacher = RcTestNets.Teacher();
        using var images = RandomImageSet(20);
        using var student = Student(teacher);
        var preview = Preview(teacher, student, new DistillationData(images, Full), Options(ReplacementProbability.Exponential()), 6);

        var table = preview.Table();
        Assert.Equal(6, table.Rows.Count);
        Assert.Equal(preview.Samples.Select(s => s.T), table.Columns["t"].Cast<int?>().Select(v => v!.Value));
        var grid = preview.Grid();
        Assert.Equal(18, grid.Count);
        Assert.Equal(6, grid.Cols);
        Assert.Equal(3, grid.Rows);
    }
}
