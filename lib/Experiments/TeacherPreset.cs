using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.Training;
using RandCond.Diffusion.UNet;

namespace RandCond.Experiments;

/// <summary>
/// The teachers RandCond trains and commits in data/teachers: small text-conditioned U-Nets (about 2.4 M
/// parameters, stored in float16, under 5 MB) with a 2-layer text encoder, linear schedule, T = 1000.
/// Students in the distillation experiments are variations of <see cref="UNet"/>.
/// </summary>
public sealed record TeacherPreset(string Name, DatasetKind Dataset, TextEncoderConfig Text, UNetConfig UNet,
                                   DiffusionTrainingOptions Training, double GuidanceScale, int MaxCaptionLength)
{
    public const int TimeSteps = 1000;

    public NoiseSchedule Schedule() => NoiseSchedule.Linear(TimeSteps);

    public string FileName => $"{Dataset.Slug()}-teacher.safetensors";

    public static TeacherPreset For(DatasetKind dataset, int vocabularySize)
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
        return new TeacherPreset($"{dataset.Slug()}-teacher-v1", dataset, text, unet, training, GuidanceScale: 3.0, length);
    }
}
