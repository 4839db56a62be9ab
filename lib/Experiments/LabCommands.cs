namespace RandCond.Experiments;

/// <summary>The lab verbs, shared by the `randcond` CLI and the slim `randcond-lab` exe (published for GPU machines).</summary>
public static class LabCommands
{
    public static readonly string[] Verbs = ["quickstart", "toy-overlap", "train-classifier", "train-teacher", "eval-teacher", "altered-conditioning", "held-out-digit", "distillation-table", "ablations", "sfddm", "codi"];

    public const string Usage = """
          Every verb writes its records, figures and models under .cache/ (.cache/results, .cache/smoke-results,
          .cache/teachers, .cache/classifiers) unless given --out DIR (everything into DIR) or --record (records into
          results/, teachers and classifiers into data/: the committed files). Models are read from data/ either way.
          randcond-lab quickstart [--device cpu] [--samples-per-class 5] [--steps 25]
          randcond-lab toy-overlap [--device cpu] [--points 400] [--seed 0] [--png true|false]
          randcond-lab train-classifier --dataset mnist|fashion-mnist [--device cuda] [--epochs N]
          randcond-lab train-teacher --dataset D [--size teacher|quick-teacher|label-teacher|label-quick-teacher] [--device cuda] [--steps N] [--batch N] [--time-budget-min M]
                                    [--checkpoint PATH]
          randcond-lab held-out-digit [--scale quick|paper|smoke] [--held-out 3] [--conditioning text|label] [--device cuda] [--student block-removed:random] [--teacher PATH]
                                     [--replacement sigmoid|exponential[:lambda]|linear|constant:p] [--steps N] [--batch N] [--lr X]
                                     [--lr-schedule constant|cosine] [--feature-weight X] [--time-budget-min M] [--images-per-digit N] [--samples-per-digit N]
                                     fast paths, each true on CUDA by default: [--cuda-graph true|false] [--bf16 true|false] [--channels-last true|false]
                                     or one alone: [--graphed-sampling B] [--bf16-sampling B] [--graphed-step B] [--bf16-step B]
          randcond-lab distillation-table [--dataset fashion-mnist] [--scale quick|paper|smoke] [--device cuda] [--exclude footwear]
                                         [--students block-removed,block-removed-no-mid,block-removed-no-inner] [--sources generated,real]
                                         [--steps N] [--time-budget-min M] fast paths as for held-out-digit: [--cuda-graph B] [--bf16 B] [--channels-last B] ...
          randcond-lab eval-teacher --dataset D [--size teacher|quick-teacher] [--teacher PATH] [--classifier PATH] [--device cuda] [--samples-per-class 500] [--steps 50] [--guidance W]
          randcond-lab sfddm --dataset D [--scale smoke|quick|paper] [--device cuda] [--students 100,50,20,10,5] [--steps 8000] [--batch 128] [--lr-schedule constant|cosine] [--warmup N] [--time-budget-min M] [--cuda-graph true|false (default: true on CUDA)]
                             [--samples-per-class 100] [--index-list ends-at-last|leading] [--guidance W] [--clip-x0 1|none] [--lr 2e-4] [--seed S]
                             [--size teacher|quick-teacher] [--teacher PATH] [--checkpoint-dir DIR] [--log-every N] [--checkpoint-every N]
          randcond-lab codi [--scale smoke|quick|paper] [--dataset D] [--task sr7|sr14|inpaint] [--device cuda] [--variants codi,codi-pe,codi-ddim,codi-noguide,finetune]
                            [--sampling-steps 1,2,4,8] [--finetune-steps 50] [--clip-x0 1|none] [--steps N] [--batch N] [--time-budget-min M] [--eval-images N]
                            [--train-images N] [--lr LR] [--ema DECAY] [--seed S] [--size teacher|quick-teacher] [--teacher PATH] [--checkpoint-dir DIR]
          randcond-lab altered-conditioning [--scale smoke|quick|paper] [--device cpu] [--seed 0]
          randcond-lab ablations --study family-random|family-teacher|images|captions [--scale quick|paper|smoke] [--device cuda]
                                 [--families off,linear,exponential,sigmoid,constant:0.5] [--image-sizes 100,300,1000]
                                 [--caption-sizes 10,20,50,100,280] [--held-out 3] [--exclude footwear] [--steps N] [--time-budget-min M]
                                 fast paths as for held-out-digit: [--cuda-graph B] [--bf16 B] [--channels-last B] [--graphed-sampling B] ...
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || !Verbs.Contains(args[0]))
        {
            stderr.WriteLine($"usage:\n{Usage}");
            return 2;
        }
        try
        {
            var a = new LabArguments(args[1..]);
            using var output = a.OutputScope();
            return args[0] switch
            {
                "quickstart" => QuickstartLab.Run(a, stdout),
                "toy-overlap" => ToyOverlapLab.Run(a, stdout),
                "train-classifier" => ClassifierLab.Train(a, stdout),
                "train-teacher" => TeacherLab.Train(a, stdout),
                "held-out-digit" => HeldOutDigitLab.Run(a, stdout),
                "distillation-table" => DistillationTableLab.Run(a, stdout),
                "sfddm" => SfddmLab.Run(a, stdout),
                "codi" => CoDiLab.Run(a, stdout),
                "altered-conditioning" => AlteredConditioningLab.Run(a, stdout),
                "ablations" => AblationsLab.Run(a, stdout),
                _ => TeacherLab.Evaluate(a, stdout),
            };
        }
        catch (Exception e)
        {
            return CommandFailure.Report(e, stderr);
        }
    }
}
