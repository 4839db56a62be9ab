using System.CommandLine;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>`codi`: CoDi's conditional students and the fine-tuned baseline (<see cref="CoDiLab"/>), its options mapped onto a <see cref="CoDiConfig"/>.</summary>
public sealed class CoDiCommand : LabCommand<CoDiConfig>
{
    private readonly Option<string> scale = LabOptions.Scale("quick");
    private readonly Option<string> dataset = LabOptions.Dataset();
    private readonly Option<string?> task = new Option<string?>("--task") { Description = "The image condition: 7x7 or 14x14 super-resolution, inpainting" }
        .AcceptOnlyFromAmong("sr7", "sr14", "inpaint").PerScale(CoDiConfig.For, c => c.Task);
    private readonly Option<Device> device = LabOptions.Device();
    private readonly Option<string[]?> variants = LabOptions.Parsed<string[]?>("--variants",
        $"The models trained, comma-separated, from {string.Join(", ", CoDiConfig.AllVariants)} (default: all)",
        text => LabOptions.List(text, v => CoDiConfig.AllVariants.Contains(v) ? v : throw new ArgumentException(
            $"unknown '{v}' ({string.Join(", ", CoDiConfig.AllVariants)})")).Distinct().ToArray(), null, "name,...");
    private readonly Option<int[]?> samplingSteps = LabOptions.PositiveInts("--sampling-steps", "The step counts each student samples with, comma-separated",
        TeacherPreset.TimeSteps).PerScale(CoDiConfig.For, c => c.SamplingSteps);
    private readonly Option<int?> finetuneSteps = new Option<int?>("--finetune-steps") { Description = "Sampling steps of the fine-tuned baseline" }
        .InRange(1, TeacherPreset.TimeSteps).PerScale(CoDiConfig.For, c => c.FineTuneSteps);
    private readonly Option<string> clipX0 = LabOptions.ClipX0();
    private readonly Option<int?> steps = new Option<int?>("--steps") { Description = "Training steps per model" }
        .Positive().PerScale(CoDiConfig.For, c => c.Steps);
    private readonly Option<int?> batch = new Option<int?>("--batch") { Description = "Batch size" }
        .Positive().PerScale(CoDiConfig.For, c => c.BatchSize);
    private readonly Option<double?> timeBudget = new Option<double?>("--time-budget-min") { Description = "Wall-clock minutes per model, 0: none" }
        .InRange(0).PerScale(CoDiConfig.For, c => c.TimeBudgetMinutes);
    private readonly Option<int?> evalImages = new Option<int?>("--eval-images") { Description = "Test images each model is scored on" }
        .InRange(2).PerScale(CoDiConfig.For, c => c.EvalImages);
    private readonly Option<int?> trainImages = new Option<int?>("--train-images") { Description = "Training images the models learn from" }
        .Positive().PerScale(CoDiConfig.For, c => c.TrainImages);
    private readonly Option<double?> lr = new Option<double?>("--lr") { Description = "Learning rate" }
        .Positive().PerScale(CoDiConfig.For, c => c.LearningRate);
    private readonly Option<double?> ema = new Option<double?>("--ema") { Description = "EMA decay of the weights sampled from" }
        .InRange(0, 1).PerScale(CoDiConfig.For, c => c.EmaDecay);
    private readonly Option<double?> gateLrScale = new Option<double?>("--gate-lr-scale") { Description = "Learning-rate factor of the condition gates" }
        .Positive().PerScale(CoDiConfig.For, c => c.GateLearningRateScale);
    private readonly Option<double?> backboneLrScale = new Option<double?>("--backbone-lr-scale") { Description = "Learning-rate factor of the backbone" }
        .InRange(0).PerScale(CoDiConfig.For, c => c.BackboneLearningRateScale);
    private readonly Option<int?> seed = new Option<int?>("--seed") { Description = "Seed of the models' initialization and batches" }
        .InRange(0).PerScale(CoDiConfig.For, c => c.Seed);
    private readonly Option<string?> size = new Option<string?>("--size") { Description = "The teacher's size in data/teachers" }
        .AcceptOnlyFromAmong([.. TeacherPreset.Sizes]).PerScale(CoDiConfig.For, c => c.TeacherSize);
    private readonly Option<string?> teacher = LabOptions.TeacherFile();
    private readonly Option<string?> classifier = LabOptions.ClassifierFile();
    private readonly Option<string?> checkpointDir = new("--checkpoint-dir") { Description = "Where the models' checkpoints go (default: .cache/checkpoints)", HelpName = "dir" };

    public CoDiCommand() : base("codi", "CoDi: conditional few-step students from the teacher for super-resolution or inpainting, next to a fine-tuned baseline")
    {
        AddOptions(scale, dataset, task, device, variants, samplingSteps, finetuneSteps, clipX0, steps, batch, timeBudget, evalImages, trainImages,
            lr, ema, gateLrScale, backboneLrScale, seed, size, teacher, classifier, checkpointDir);
    }

    public override CoDiConfig Config(ParseResult parsed)
    {
        var preset = CoDiConfig.For(parsed.GetValue(scale)!);
        var config = preset with
        {
            Device = parsed.GetValue(device)!,
            Dataset = LabOptions.DatasetNamed(parsed.GetValue(dataset)!),
            Task = parsed.GetValue(task) ?? preset.Task,
            Variants = parsed.Given(variants) ?? preset.Variants,
            SamplingSteps = parsed.Given(samplingSteps) ?? preset.SamplingSteps,
            FineTuneSteps = parsed.GetValue(finetuneSteps) ?? preset.FineTuneSteps,
            ClipX0 = LabOptions.ClipBound(parsed.GetValue(clipX0)!),
            TeacherSize = parsed.GetValue(size) ?? preset.TeacherSize,
            TeacherPath = parsed.GetValue(teacher),
            ClassifierPath = parsed.GetValue(classifier),
            CheckpointDir = parsed.GetValue(checkpointDir),
            Seed = (ulong)(parsed.GetValue(seed) ?? (int)preset.Seed),
            BackboneLearningRateScale = parsed.GetValue(backboneLrScale) ?? preset.BackboneLearningRateScale,
            Steps = parsed.GetValue(steps) ?? preset.Steps,
            BatchSize = parsed.GetValue(batch) ?? preset.BatchSize,
            LearningRate = parsed.GetValue(lr) ?? preset.LearningRate,
            TimeBudgetMinutes = parsed.GetValue(timeBudget) ?? preset.TimeBudgetMinutes,
            EvalImages = parsed.GetValue(evalImages) ?? preset.EvalImages,
            TrainImages = parsed.GetValue(trainImages) ?? preset.TrainImages,
            EmaDecay = parsed.GetValue(ema) ?? preset.EmaDecay,
            GateLearningRateScale = parsed.GetValue(gateLrScale) ?? preset.GateLearningRateScale,
        };
        config.Validate();
        return config;
    }

    protected override int Execute(ParseResult parsed, TextWriter log)
    {
        CoDiLab.Run(Config(parsed), log);
        return 0;
    }
}
