using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>Both networks' noise predictions and the loss terms of one batch (in the caller's dispose scope).</summary>
public sealed record DistillationForward(Tensor TeacherEps, Tensor StudentEps, DistillationLossTerms Terms);

/// <summary>
/// The forward half of a distillation step: the frozen teacher's prediction without gradients, the student's with
/// feature capture, and the loss terms (<see cref="DistillationLoss"/>), under the options' autocast and memory layout.
/// <see cref="DistillationStep"/> follows it with the update; <see cref="DistillationPreview"/> stops after it. With
/// <see cref="DistillationOptions.OverlappedTeacher"/> the teacher's kernels run on a side stream beside the student's. Any
/// <see cref="INoisePredictor"/> can teach (a U-Net, a closed-form predictor) and any <see cref="StudentModel"/> learn.
/// </summary>
public sealed class DistillationForwardPass : IDisposable
{
    private readonly INoisePredictor teacher;
    private readonly FrozenCopy? teacherCopy;      // with options.Bf16Teacher: the teacher as it runs, owned here
    private readonly StudentModel student;
    private readonly FeatureCapture teacherFeatures;
    private readonly FeatureCapture studentFeatures;

    public DistillationForwardPass(INoisePredictor teacher, StudentModel student, DistillationOptions options)
    {
        Options = options;
        this.student = student;
        teacherFeatures = new(student.Pairs.Select(p => p.Teacher));
        studentFeatures = new(student.Pairs.Select(p => p.Student));
        if (options.Bf16Teacher)
        {
            if (teacher is not TextDiffusionModel model)
                throw new ArgumentException($"DistillationOptions.Bf16Teacher: the teacher ({teacher.GetType().Name}) has no U-Net to copy in BFloat16; turn the option off", nameof(teacher));
            teacherCopy = new FrozenCopy(model, bf16Weights: true, channelsLast: options.ChannelsLast);
        }
        this.teacher = (INoisePredictor?)teacherCopy ?? teacher;
    }

    public DistillationOptions Options { get; }

    /// <summary>Teacher and student predictions at (x_t, t) under the conditions, and the loss on them; captures the matched features until <see cref="ClearFeatures"/>.</summary>
    /// <param name="tokens">the condition batch as the networks read it (caption tokens, class ids)</param>
    /// <param name="noise">the true noise (only read by the task term)</param>
    /// <param name="keptCaption">Bool (B), true where the condition was not replaced (only read by the task term)</param>
    public DistillationForward Run(Tensor xt, Tensor t, Tensor tokens, Tensor? noise = null, Tensor? keptCaption = null)
    {
        using var scope = Torch.NewDisposeScope();
        if (Options.ChannelsLast) xt = xt.ToMemoryFormat(MemoryFormat.ChannelsLast);
        using var autocast = Options.Autocast is { } dtype ? Torch.Autocast(xt.Device, dtype) : default;
        Tensor teacherEps, studentEps;
        using (var fork = StreamFork.On(xt.Device, Options.OverlappedTeacher))
        {
            teacherEps = fork.Side(() =>
            {
                using (Torch.NoGrad())
                using (teacherCopy is not null && Options.Autocast is { } off ? Torch.Autocast(xt.Device, off, enabled: false) : default)
                    return teacher.Forward(xt, t, tokens, teacherFeatures);
            });
            studentEps = student.Network.Forward(xt, t, tokens, studentFeatures);
        }
        var terms = DistillationLoss.Compute(studentEps, teacherEps, studentFeatures, teacherFeatures, student.Pairs,
            student.Projections, Options.Weights, noise, keptCaption);
        return new DistillationForward(teacherEps.MoveToOuterScope(), studentEps.MoveToOuterScope(),
            new DistillationLossTerms(terms.Total.MoveToOuterScope(), terms.Output.MoveToOuterScope(),
                terms.Feature.MoveToOuterScope(), terms.Task.MoveToOuterScope()));
    }

    /// <summary>Drops the captured features (after the backward pass, or when no update follows).</summary>
    public void ClearFeatures()
    {
        teacherFeatures.Clear();
        studentFeatures.Clear();
    }

    public void Dispose()
    {
        teacherFeatures.Dispose();
        studentFeatures.Dispose();
        teacherCopy?.Dispose();
    }
}
