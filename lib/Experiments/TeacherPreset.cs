using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Label;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.Training;
using RandCond.Diffusion.UNet;

namespace RandCond.Experiments;

/// <summary>
/// The teachers RandCond trains and commits in data/teachers, caption-conditioned U-Nets with a 2-layer text encoder
/// (or, for the label- sizes, a label encoder: the class the caption names, one-hot, through an MLP), linear schedule,
/// T = 1000, stored in float16:
/// <list type="bullet">
/// <item><c>teacher</c> (about 2.4 M parameters, 384 M MACs per image): the paper-scale teacher, trained on a GPU.</item>
/// <item><c>quick-teacher</c> (about 0.6 M U-Net parameters, 50 M MACs, working on a 14x14 grid of 2x2 pixel patches): small enough that
/// distilling from it on two CPU cores takes minutes, for the quick scale of the experiments.</item>
/// <item><c>label-teacher</c>, <c>label-quick-teacher</c>: the same U-Nets conditioned on the class label, as the authors' MNIST code.</item>
/// <item><c>attribute-teacher</c>, <c>attribute-quick-teacher</c> (MNIST): the text U-Nets trained on compositional captions
/// (<see cref="AttributeCaptions"/>), each image captioned with its own measured thickness and slant.</item>
/// </list>
/// Students in the distillation experiments are variations of <see cref="UNet"/>.
/// </summary>
public sealed record TeacherPreset(string Name, DatasetKind Dataset, ConditionEncoderConfig Text, UNetConfig UNet,
                                   DiffusionTrainingOptions Training, double GuidanceScale, int MaxCaptionLength)
{
    public const int TimeSteps = 1000;
    public static readonly string[] Sizes = ["teacher", "quick-teacher", "label-teacher", "label-quick-teacher", "attribute-teacher", "attribute-quick-teacher"];

    public NoiseSchedule Schedule() => NoiseSchedule.Linear(TimeSteps);

    /// <summary>One of <see cref="Sizes"/>.</summary>
    public string Size => Name[(Dataset.Slug().Length + 1)..^3];

    public string FileName => $"{Dataset.Slug()}-{Size}.safetensors";

    /// <summary>Whether the teacher learns compositional captions (digit, thickness, slant) rather than its dataset's class captions.</summary>
    public bool Compositional => IsCompositional(Size);

    public static bool IsCompositional(string size) => size.StartsWith("attribute-", StringComparison.Ordinal);

    /// <summary>The captions the teacher is trained on: its dataset's corpus, or the compositional one.</summary>
    public CaptionCorpus Corpus() => Compositional ? AttributeCaptions.Full() : CaptionCorpus.Full(Dataset);

    /// <summary>The tokenizer a new teacher of <paramref name="size"/> is trained with (a saved teacher carries its own).</summary>
    public static WordTokenizer TokenizerFor(string size) => IsCompositional(size)
        ? WordTokenizer.FromCaptions(AttributeCaptions.Full().Entries.Select(e => e.Caption))
        : WordTokenizer.ForDatasets();

    public static TeacherPreset For(DatasetKind dataset, WordTokenizer tokenizer) => For(dataset, tokenizer, "teacher");

    /// <param name="size">one of <see cref="Sizes"/></param>
    public static TeacherPreset For(DatasetKind dataset, WordTokenizer tokenizer, string size)
    {
        const int width = 64, length = 12;
        bool label = size.StartsWith("label-", StringComparison.Ordinal);
        if (IsCompositional(size) && dataset != DatasetKind.Mnist)
            throw new ArgumentException($"the teacher size '{size}' learns MNIST's compositional captions; {dataset.DisplayName()} has none");
        ConditionEncoderConfig text = label
            ? new LabelEncoderConfig { Classes = dataset.NumClasses(), Width = width, ClassOfToken = CaptionClasses.ClassOfToken(tokenizer, CaptionCorpus.Full(dataset)) }
            : new TextEncoderConfig { VocabSize = tokenizer.VocabularySize, MaxLength = length, Width = width, Layers = 2, Heads = 4 };
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
            case "teacher" or "label-teacher" or "attribute-teacher":
                break;
            case "quick-teacher" or "label-quick-teacher" or "attribute-quick-teacher":
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

    /// <summary>The preset a teacher file names in its metadata ("mnist-teacher-v1", "mnist-label-quick-teacher-v1").</summary>
    public static TeacherPreset Named(string name, DatasetKind dataset, WordTokenizer tokenizer)
    {
        var known = Sizes.Select(size => $"{dataset.Slug()}-{size}-v1").ToArray();
        int index = Array.IndexOf(known, name);
        if (index < 0) throw new InvalidDataException($"unknown teacher preset '{name}' (this code knows {string.Join(", ", known)})");
        return For(dataset, tokenizer, Sizes[index]);
    }
}
