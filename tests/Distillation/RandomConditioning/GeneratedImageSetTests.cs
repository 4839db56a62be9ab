using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.RandomConditioning;

public sealed class GeneratedImageSetTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("randcond-d-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private ImageSet Generate(TextDiffusionModel teacher, CaptionCorpus captions, List<ImageSetProgress> reports)
    {
        using var schedule = NoiseSchedule.Linear(1000);
        return GeneratedImageSet.Generate(teacher, "test-teacher", RcTestNets.Tokenizer, RcTestNets.CaptionLength, schedule, captions,
            new ImageSetRecipe(PerClass: 3, SamplingSteps: 2, Guidance: 2, Seed: 1, ShardSize: 10), folder, Device.CPU,
            new Progress(reports));
    }

    private sealed class Progress(List<ImageSetProgress> reports) : IProgress<ImageSetProgress>
    {
        public void Report(ImageSetProgress value) => reports.Add(value);
    }

    [Fact]
    public void D_covers_the_corpus_classes_is_cached_in_shards_and_reused()
    {
        using var teacher = RcTestNets.Teacher();
        var captions = CaptionCorpus.Full(DatasetKind.Mnist).Excluding(ConceptGroups.Digit(3));
        var first = new List<ImageSetProgress>();
        using var made = Generate(teacher, captions, first);
        Assert.Equal(27, made.Count);
        Assert.DoesNotContain(3L, made.Labels.ToArray<long>());
        Assert.Equal(3, first.Count);
        Assert.All(first, r => Assert.False(r.FromCache));
        using var low = made.Images.Min();
        using var high = made.Images.Max();
        Assert.InRange(low.Item(), -1, 1);
        Assert.InRange(high.Item(), -1, 1);

        var second = new List<ImageSetProgress>();
        using var reused = Generate(teacher, captions, second);
        Assert.All(second, r => Assert.True(r.FromCache));
        using var same = made.Images.Eq(reused.Images).All();
        Assert.True(same.Item() != 0);
        var shards = Directory.GetFiles(Path.Combine(folder, GeneratedImageSet.CacheKey("test-teacher", captions,
            new ImageSetRecipe(3, 2, 2, 1, 10))), "shard-*.safetensors");
        Assert.Equal(3, shards.Length);
    }

    [Fact]
    public void A_missing_shard_is_regenerated_and_a_damaged_one_is_reported()
    {
        using var teacher = RcTestNets.Teacher();
        var captions = CaptionCorpus.Full(DatasetKind.Mnist).Only(ConceptGroups.Digit(1));
        using (Generate(teacher, captions, [])) { }
        var shard = Directory.GetFiles(folder, "shard-0000.safetensors", SearchOption.AllDirectories).Single();
        File.Delete(shard);
        var reports = new List<ImageSetProgress>();
        using (Generate(teacher, captions, reports)) { }
        Assert.False(reports[0].FromCache);
        File.WriteAllText(shard, "not a safetensors file");
        var error = Assert.ThrowsAny<Exception>(() => Generate(teacher, captions, []));
        Assert.Contains("shard-0000", error.Message);
    }
}
