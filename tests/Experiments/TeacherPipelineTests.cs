using System.Security.Cryptography;
using RandCond.Data;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Tests.Labs;

/// <summary><see cref="TeacherPipeline"/>: a committed teacher as one object, and its parts as the file stores them.</summary>
public sealed class TeacherPipelineTests
{
    [Fact]
    public void A_committed_teacher_loads_with_its_tokenizer_configuration_and_fingerprint()
    {
        var path = RepoPaths.Data("teachers", "mnist-quick-teacher.safetensors");
        using var teacher = TeacherPipeline.Load(path);
        Assert.Equal(path, teacher.Path);
        Assert.Equal(DatasetKind.Mnist, teacher.Dataset);
        Assert.Equal(teacher.Config.GuidanceScale, teacher.GuidanceScale);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), teacher.Fingerprint);
        Assert.All(teacher.Model.Parameters(), p => Assert.False(p.RequiresGrad));

        var captions = CaptionCorpus.Full(DatasetKind.Mnist);
        using var tokens = teacher.Encode(captions, Device.CPU);
        Assert.Equal([captions.Count, (long)teacher.CaptionLength], tokens.Shape);
        using var nulls = teacher.NullTokens(3, Device.CPU);
        Assert.Equal([3L, teacher.CaptionLength], nulls.Shape);
        using var schedule = teacher.Schedule();
        using var again = teacher.Config.Schedule();
        Assert.Equal(again.Betas, schedule.Betas);

        var (model, tokenizer, config, metadata) = teacher;
        Assert.Same(teacher.Model, model);
        Assert.Same(teacher.Tokenizer, tokenizer);
        Assert.Same(teacher.Config, config);
        Assert.Equal("mnist", metadata["dataset"]);
    }

    [Fact]
    public void A_missing_teacher_file_is_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-teacher-{Guid.NewGuid():N}.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => TeacherPipeline.Load(missing));
        Assert.Contains(missing, e.Message);
    }
}
