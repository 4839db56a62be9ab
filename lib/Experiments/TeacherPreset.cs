using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.Training;
using RandCond.Diffusion.UNet;

namespace RandCond.Experiments;

/// <summary>
/// The teachers RandCond trains and commits in data/teachers, text-conditioned U-Nets with a 2-layer text encoder,
/// linear schedule, T = 1000, stored in float16:
/// <list type="bullet">
/// <item><c>teacher</c> (about 2.4 M parameters, 384 M MACs per image): the paper-scale teacher, trained on a GPU.</item>
/// <item><c>quick-teacher</c> (about 0.6 M U-Net parameters, 50 M MACs, working on a 14x14 grid of 2x2 pixel patches): small enough that
/// distilling from it on two CPU cores takes minutes, for the quick scale of the experiments.</item>
/// </list>
/// Students in the distillation experiments are variations of <see cref="UNet"/>.
/// </summary>
public sealed record TeacherPreset(string Name, DatasetKind Dataset, TextEncoderConfig Text, UNetConfig UNet,
                                   DiffusionTrainingOptions Training, double GuidanceScale, int MaxCaptionLength)
{
    public const int TimeSteps = 1000;
    public static readonly string[] Sizes = ["teacher", "quick-teacher"];

    public NoiseSchedule Schedule() => NoiseSchedule.Linear(TimeSteps);

    /// <summary>"teacher" or "quick-teacher".</summary>
    public string Size => Name[(Dataset.Slug().Length + 1)..^3];

    public string FileName => $"{Dataset.Slug()}-{Size}.safetensors";

    public static TeacherPreset For(DatasetKind dataset, int vocabularySize) => For(dataset, vocabularySize, "teacher");

    /// <param name="size">one of <see cref="Sizes"/></param>
    public static TeacherPreset For(DatasetKind dataset, int vocabularySize, string size)
    {
        const int width = 64, length = 12;
        var text = new TextEncoderConfig { VocabSize = vocabularySize, MaxLength = length, Width = width, Layers = 2, Heads = 4 };
        var unet = new UNetConfig
        {
            BaseChannels = 32, ChannelMultipliers = [1, 2, 2], BlocksPerStage = [2, 2, 2],
            SelfAttentionStages = [1, 2], CrossAttentionStages = [1, 2], AttentionHeads = 4, GroupNormGroups = 8,
            Conditioning = Conditioning.Text, ContextDim = width,
        };
        var training = new DiffusionTrainingOptions
        {
            Steps = dataset == DatasetKind.Mnist ? 8000 : 12000, BatchSize = 256, LearningRate = 4e-4, WarmupSteps = 300,
            EmaDecay = 0.999, CheckpointEvery = 2000, LogEvery = 250,
        };
        switch (size)
        {
            case "teacher":
                break;
            case "quick-teacher":
                unet = unet with
                {
                    PatchSize = 2, BaseChannels = 24, ChannelMultipliers = [1, 2], BlocksPerStage = [2, 2],
                    SelfAttentionStages = [1], CrossAttentionStages = [1],
                };
                training = training with { Steps = 20000, LearningRate = 5e-4 };
                break;
            default:
                throw new ArgumentException($"unknown teacher size '{size}' (known: {string.Join(", ", Sizes)})");
        }
        return new TeacherPreset($"{dataset.Slug()}-{size}-v1", dataset, text, unet, training, GuidanceScale: 3.0, length);
    }

    /// <summary>The preset a teacher file names in its metadata ("mnist-teacher-v1", "fashion-mnist-quick-teacher-v1").</summary>
    public static TeacherPreset Named(string name, DatasetKind dataset, int vocabularySize) =>
        Sizes.Select(size => For(dataset, vocabularySize, size)).FirstOrDefault(p => p.Name == name)
        ?? throw new InvalidDataException($"unknown teacher preset '{name}' (this code knows {string.Join(", ", Sizes.Select(s => For(dataset, vocabularySize, s).Name))})");
}
