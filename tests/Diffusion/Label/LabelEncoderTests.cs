using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Label;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Diffusion.Label;

public class LabelEncoderTests
{
    private static readonly WordTokenizer Tokenizer = WordTokenizer.ForDatasets();

    private static LabelEncoderConfig MnistConfig() => new()
    {
        Classes = 10, Width = 16, ClassOfToken = CaptionClasses.ClassOfToken(Tokenizer, CaptionCorpus.Full(DatasetKind.Mnist)),
    };

    [Fact]
    public void EveryMnistCaptionMeansItsClassAndTheNullCaptionTheNullLabel()
    {
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);
        using var encoder = new LabelEncoder(MnistConfig());
        using var scope = Torch.NewDisposeScope();
        var labels = encoder.Labels(corpus.Encode(Tokenizer, 12)).ToArray<long>();
        Assert.Equal(corpus.Entries.Select(e => (long)e.Label), labels);
        Assert.Equal([10L, 10L], encoder.Labels(Tokenizer.NullTokens(2, 12)).ToArray<long>());
    }

    [Fact]
    public void CaptionsOfOneClassGiveOneContextTokenAndOtherClassesAnother()
    {
        Torch.ManualSeed(0);
        using var encoder = new LabelEncoder(MnistConfig());
        using var scope = Torch.NewDisposeScope();
        var tokens = Tokenizer.EncodeBatch(["the digit 3", "a thick handwritten three", "the digit 7", ""], 12);
        var encoding = encoder.Forward(tokens);
        Assert.Equal(new long[] { 4, 1, 16 }, encoding.Context.Shape);
        Assert.All(encoding.Mask.ToArray<bool>(), Assert.True);
        var c = encoding.Context.Reshape(4, 16);
        Assert.Equal(0, (c.Narrow(0, 0, 1) - c.Narrow(0, 1, 1)).Abs().Max().Item());
        Assert.True((c.Narrow(0, 0, 1) - c.Narrow(0, 2, 1)).Abs().Max().Item() > 1e-4);
        Assert.True((c.Narrow(0, 0, 1) - c.Narrow(0, 3, 1)).Abs().Max().Item() > 1e-4);
    }

    [Fact]
    public void BadTablesAndTokensAreRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => new LabelEncoder(MnistConfig() with { ClassOfToken = [0, 11] }));
        Assert.Contains("ClassOfToken", e.Message);
        using var encoder = new LabelEncoder(MnistConfig());
        using var floats = Torch.Zeros([2, 3]);
        Assert.Contains("LabelEncoder tokens", Assert.Throws<ArgumentException>(() => encoder.Labels(floats)).Message);
    }

    [Fact]
    public void LabelTeacherFileRoundTripsAndItsStudentsShareTheFrozenLabelEncoder()
    {
        var preset = TeacherPreset.For(DatasetKind.Mnist, Tokenizer, "label-quick-teacher");
        Assert.Equal("label", preset.Text.Kind);
        Torch.ManualSeed(3);
        using var model = new TextDiffusionModel(preset.Text, preset.UNet);
        var path = Path.Combine(Path.GetTempPath(), $"label-teacher-{Guid.NewGuid():N}.safetensors");
        try
        {
            TeacherFile.Save(path, preset, model, Tokenizer, new Dictionary<string, string> { ["test"] = "yes" });
            var (loaded, _, loadedPreset, meta) = TeacherFile.Load(path);
            using var _l = loaded;
            Assert.Equal("label", meta["conditioning"]);
            Assert.Equal(preset.Name, loadedPreset.Name);
            var encoder = Assert.IsType<LabelEncoder>(loaded.Text);
            using var scope = Torch.NewDisposeScope();
            var tokens = Tokenizer.EncodeBatch(["the digit 5", ""], 12);
            var difference = (encoder.Forward(tokens).Context - model.Text.Forward(tokens).Context).Abs().Max().Item();
            Assert.True(difference < 1e-2, $"context after the float16 round trip differs by {difference}");

            using var student = new DistillationStudent(loaded, StudentSpec.Parse("block-removed:random"));
            Assert.IsType<LabelEncoder>(student.Student.Text);
            Assert.All(student.Student.Text.Parameters(), p => Assert.False(p.RequiresGrad));
            var same = (student.Student.Text.Forward(tokens).Context - encoder.Forward(tokens).Context).Abs().Max().Item();
            Assert.Equal(0, same);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
