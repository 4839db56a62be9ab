namespace RandCond.Experiments.Reports;

/// <summary>The tables of docs/RESULTS.md: which records each reads and which of their fields it shows.</summary>
public static class ResultsTables
{
    private const string Percent = "0.0 %";
    private const string Millions = "0,,.00 'M'";

    private static ReportColumn C(string header, string path, string? format = null, string? path2 = null, string? format2 = null) =>
        new(header, path, format, path2, format2);

    private static readonly ReportColumn[] AlteredConditioning =
    [
        C("t", "t"), C("ab_t", "alpha_bar", "0.000"), C("DDIM steps", "sampling_steps"), C("images", "images"),
        C("follows the new caption", "follows_new_condition", Percent), C("keeps the original digit", "keeps_original_class", Percent),
    ];

    private static readonly ReportColumn[] HeldOut =
    [
        C("p(t)", "students[arm={key}].replacement"), C("steps", "students[arm={key}].steps"),
        C("held-out digit", "students[arm={key}].held_out_accuracy", Percent), C("seen digits", "students[arm={key}].seen_accuracy", Percent),
        C("teacher: held-out / seen", "teacher_held_out_accuracy", Percent, "teacher_seen_accuracy", Percent),
    ];

    /// <summary>A run of results/held-out-digit-label-teacher-init-cuda/ (students from the teacher's U-Net with label MLPs of their own).</summary>
    private static ReportRow TeacherInit(string label, string folder, int digit, string suffix = "") =>
        new(label, $"held-out-digit-label-teacher-init-cuda/{folder}/held-out-digit-paper-label-digit{digit}-student-block-removed-teacher-own-encoder-feature-weight-0.1{suffix}-cuda.json");

    private static ReportRow[] Arms(string record) => [new("no RC", record, "no-rc"), new("RC", record, "rc")];

    private static readonly ReportColumn[] DistillationRows =
    [
        C("model", "model"), C("D", "d"), C("RC", "rc"), C("FD", "fd", "0.00"), C("IS-style", "inception_score", "0.00"),
        C("accuracy", "accuracy", Percent), C("U-Net params", "unet_parameters", Millions), C("MACs", "macs", Millions),
    ];

    private static readonly ReportColumn[] AblationRows =
    [
        C("arm", "arm"), C("p(t)", "replacement"), C("mean p", "replacement_mean", "0.00"), C("images per class", "images_per_class"),
        C("captions in C", "text_corpus_size"), C("steps", "steps"), C("FD", "fd", "0.0"), C("accuracy", "accuracy", Percent),
    ];

    private static readonly ReportColumn[] SfddmRows =
    [
        C("T'", "student_steps"), C("distillation steps", "distillation_steps"), C("student FD", "student.fd_vs_test", "0.000"),
        C("teacher FD, DDIM over the same steps", "teacher_same_steps.fd_vs_test", "0.000"),
        C("student / teacher accuracy", "student.accuracy", Percent, "teacher_same_steps.accuracy", Percent),
    ];

    private static readonly ReportColumn[] CoDiRows =
    [
        C("model", "model"), C("steps", "steps"), C("FD", "fd_vs_test", "0.0"), C("accuracy", "accuracy", Percent),
        C("PSNR (dB)", "psnr_db", "0.0"), C("SSIM", "ssim", "0.000"),
    ];

    private static ReportColumn FdAndAccuracy(string header, string model, int steps) =>
        C(header, $"rows[model={model},steps={steps}].fd_vs_test", "0.00", $"rows[model={model},steps={steps}].accuracy", "0 %");

    private static readonly ReportColumn[] CoDiFewSteps =
    [
        FdAndAccuracy("CoDi, 4 steps", "codi", 4), FdAndAccuracy("DDIM predictor, 4 steps", "codi-ddim", 4),
        FdAndAccuracy("DDIM predictor, 8 steps", "codi-ddim", 8), FdAndAccuracy("fine-tuned, 4 steps", "finetune", 4),
        FdAndAccuracy("fine-tuned, 50 steps", "finetune", 50),
    ];

    public static readonly IReadOnlyList<ReportTable> All =
    [
        ReportTable.Lines("teachers", "teacher",
            [new("MNIST", "teacher-mnist.json"), new("Fashion-MNIST", "teacher-fashion-mnist.json"), new("Fashion-MNIST, guidance 1.5", "teacher-fashion-mnist-g1.5.json")],
            C("training steps", "teacher_training.training_steps"), C("training s", "teacher_training.training_seconds"), C("sampler", "sampler"),
            C("per-condition accuracy", "accuracy", "0.00 %"), C("FD vs test (real floor)", "fd_vs_test", "0.00", "fd_floor_real_train_vs_test", "0.000"),
            C("IS-style (real)", "inception_score", "0.00", "inception_score_real", "0.00")),
        ReportTable.Lines("classifiers", "dataset",
            [new("MNIST", "classifier-mnist.json"), new("Fashion-MNIST", "classifier-fashion-mnist.json")],
            C("architecture", "architecture"), C("parameters", "parameters", "N0"), C("epochs", "epochs"),
            C("test accuracy", "test_accuracy", "0.00 %"), C("training s", "train_seconds", "0")),
        ReportTable.ForEach("altered-conditioning-quick", "altered-conditioning-quick-cpu.json", "rows", AlteredConditioning),
        ReportTable.ForEach("altered-conditioning-paper", "altered-conditioning-paper-cuda.json", "rows", AlteredConditioning),
        ReportTable.Lines("held-out-digit-paper", "student", Arms("held-out-digit-paper-cuda.json"), HeldOut),
        ReportTable.Lines("held-out-digit-quick", "student", Arms("held-out-digit-quick-cpu.json"), HeldOut),
        ReportTable.Lines("held-out-digit-label", "held-out digit",
            [.. new[] { 3, 5, 7 }.Select(d => new ReportRow(d.ToString(), $"held-out-digit-paper-label-digit{d}-cuda.json"))],
            C("teacher: held-out / seen", "teacher_held_out_accuracy", Percent, "teacher_seen_accuracy", Percent),
            C("no RC: held-out / seen", "students[arm=no-rc].held_out_accuracy", Percent, "students[arm=no-rc].seen_accuracy", Percent),
            C("RC: held-out / seen", "students[arm=rc].held_out_accuracy", Percent, "students[arm=rc].seen_accuracy", Percent)),
        ReportTable.Lines("held-out-digit-label-encoder", "students' encoder, held-out digit",
            [new("own, 3", "held-out-digit-label-encoder-cuda/own-encoder-digit3/held-out-digit-paper-label-digit3-cuda.json"),
             new("own, 5", "held-out-digit-label-encoder-cuda/own-encoder-digit5/held-out-digit-paper-label-digit5-cuda.json"),
             new("own, 7", "held-out-digit-label-encoder-cuda/own-encoder-digit7/held-out-digit-paper-label-digit7-cuda.json"),
             new("own, 5, feature weight 0.1", "held-out-digit-label-encoder-cuda/own-encoder-feature0.1-digit5/held-out-digit-paper-label-digit5-cuda.json"),
             new("teacher's (frozen), 7", "held-out-digit-label-encoder-cuda/teacher-encoder-exponential-digit7/held-out-digit-paper-label-digit7-cuda.json")],
            C("RC p(t)", "students[arm=rc].replacement"),
            C("teacher: held-out / seen", "teacher_held_out_accuracy", Percent, "teacher_seen_accuracy", Percent),
            C("no RC: held-out / seen", "students[arm=no-rc].held_out_accuracy", Percent, "students[arm=no-rc].seen_accuracy", Percent),
            C("RC: held-out / seen", "students[arm=rc].held_out_accuracy", Percent, "students[arm=rc].seen_accuracy", Percent)),
        ReportTable.Lines("held-out-digit-label-teacher-init", "held-out digit, run",
            [TeacherInit("3", "digit3", 3), TeacherInit("5", "digit5", 5), TeacherInit("7", "digit7", 7),
             TeacherInit("3, cosine rate", "digit3-cosine", 3, "-lr-schedule-cosine"),
             TeacherInit("3, 5,000 steps, fused norms (H100)", "digit3-steps-5000", 3, "-steps-5000"),
             TeacherInit("5, 5,000 steps, fused norms (H100)", "digit5-steps-5000", 5, "-steps-5000"),
             TeacherInit("7, 5,000 steps, fused norms, bf16 teacher, channels-last (H100)", "digit7-steps-5000", 7, "-steps-5000"),
             .. new[] { 3, 5, 7 }.Select(d => TeacherInit($"{d}, three side by side", $"side-by-side-digit{d}", d))],
            C("steps: no RC / RC", "students[arm=no-rc].steps", null, "students[arm=rc].steps"),
            C("teacher: held-out / seen", "teacher_held_out_accuracy", Percent, "teacher_seen_accuracy", Percent),
            C("no RC: held-out / seen", "students[arm=no-rc].held_out_accuracy", Percent, "students[arm=no-rc].seen_accuracy", Percent),
            C("RC: held-out / seen", "students[arm=rc].held_out_accuracy", Percent, "students[arm=rc].seen_accuracy", Percent)),
        ReportTable.Lines("compositional", "classes in D, students' seed",
            [new("10 of 40, seed 17", "compositional-paper-cuda.json"), new("10 of 40, seed 18", "compositional-paper-seed18-cuda.json"),
             new("10 of 40, seed 19", "compositional-paper-seed19-cuda.json"), new("20 of 40, seed 17", "compositional-paper-seen2-cuda.json")],
            C("teacher: FD / all three", "models[0].unseen.frechet_distance", "0.00", "models[0].unseen.all_three_accuracy", Percent),
            C("no RC: FD / all three", "models[1].unseen.frechet_distance", "0.00", "models[1].unseen.all_three_accuracy", Percent),
            C("RC: FD / all three", "models[2].unseen.frechet_distance", "0.00", "models[2].unseen.all_three_accuracy", Percent),
            C("RC: thickness / slant", "models[2].unseen.thickness_accuracy", Percent, "models[2].unseen.slant_accuracy", Percent),
            C("no RC: thickness / slant", "models[1].unseen.thickness_accuracy", Percent, "models[1].unseen.slant_accuracy", Percent)),
        ReportTable.ForEach("distillation-table", "distillation-table-fashion-mnist-paper-cuda.json", "rows", DistillationRows),
        ReportTable.ForEach("distillation-table-without-footwear", "distillation-table-fashion-mnist-without-footwear-paper-cuda.json", "rows",
            [.. DistillationRows, C("footwear FD", "group_fd", "0.00"), C("footwear accuracy", "group_accuracy", Percent)]),
        ReportTable.ForEach("ablation-family-random", "ablation-family-random-paper-cuda.json", "rows",
            [.. AblationRows, C("held-out digit", "held_out_accuracy", Percent), C("seen digits", "seen_accuracy", Percent)]),
        ReportTable.ForEach("ablation-family-teacher", "ablation-family-teacher-paper-cuda.json", "rows",
            [.. AblationRows, C("footwear FD", "group_fd", "0.00"), C("footwear accuracy", "group_accuracy", Percent)]),
        ReportTable.ForEach("ablation-images", "ablation-images-paper-cuda.json", "rows",
            [.. AblationRows, C("held-out digit", "held_out_accuracy", Percent), C("seen digits", "seen_accuracy", Percent)]),
        ReportTable.ForEach("ablation-captions", "ablation-captions-paper-cuda.json", "rows",
            [.. AblationRows, C("held-out digit", "held_out_accuracy", Percent), C("seen digits", "seen_accuracy", Percent)]),
        ReportTable.ForEach("sfddm-mnist", "sfddm-mnist-paper-t100-50-20-10-5-cuda.json", "students", SfddmRows),
        ReportTable.ForEach("sfddm-fashion-mnist", "sfddm-fashion-mnist-paper-t100-50-20-10-5-cuda.json", "students", SfddmRows),
        ReportTable.ForEach("codi-mnist-sr7", "codi-mnist-sr7-paper-cuda.json", "rows", CoDiRows),
        ReportTable.Lines("codi-mnist-sr14-inpaint", "task",
            [new("sr14", "codi-mnist-sr14-paper-cuda.json"), new("inpainting", "codi-mnist-inpaint-paper-cuda.json")], CoDiFewSteps),
        ReportTable.Lines("codi-fashion-mnist-sr14-inpaint", "task",
            [new("sr14", "codi-fashion-mnist-sr14-paper-cuda.json"), new("inpainting", "codi-fashion-mnist-inpaint-paper-cuda.json")], CoDiFewSteps),
    ];
}
