using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// One optimization step of distillation on a prepared batch (x_t, t, conditions): the forward pass
/// (<see cref="DistillationForwardPass"/>: teacher without gradients, student with feature capture, the loss terms),
/// backward, gradient clipping, AdamW and the EMA update. <see cref="RandomConditioningDistiller"/> runs it every step;
/// benchmarks time it alone. Honors the options' performance switches: <see cref="DistillationOptions.Autocast"/>
/// (forward passes and losses in mixed precision) and <see cref="DistillationOptions.ChannelsLast"/> (the three
/// networks' convolution weights and the inputs in NHWC, converted here before the optimizer and the EMA take them).
/// </summary>
public sealed class DistillationStep : IDisposable
{
    private readonly Parameter[] trainable;
    private readonly DistillationForwardPass forward;

    /// <param name="teacher">frozen; a teacher that is a <see cref="Module"/> is put in channels-last layout when asked, one without weights (closed form) is used as it is</param>
    public DistillationStep(INoisePredictor teacher, StudentModel student, StudentModel ema, DistillationOptions options)
    {
        Options = options;
        if (options.ChannelsLast)
        {
            (teacher as Module)?.To(MemoryFormat.ChannelsLast);
            student.To(MemoryFormat.ChannelsLast);
            ema.To(MemoryFormat.ChannelsLast);
        }
        Optimizer = new AdamW(student.NamedParameters(), lr: options.LearningRate, weightDecay: options.WeightDecay, capturable: options.CudaGraph);
        Average = new Ema(student, ema, options.EmaDecay);
        trainable = student.Parameters().Where(p => p.RequiresGrad).ToArray();
        forward = new DistillationForwardPass(teacher, student, options);
        if (options.CudaGraph) emaDecay = Torch.Scalar(options.EmaDecay, DType.Float32, student.Parameters().First().Data.Device).DetachFromDisposeScope();
    }

    /// <summary>The EMA decay as a device tensor when the step is meant for a CUDA graph (written by <see cref="Prepare"/>).</summary>
    private readonly Tensor? emaDecay;

    /// <summary>
    /// Writes what changes from step to step and a CUDA graph cannot bake in: the EMA's warmed-up decay (the optimizer's
    /// rate is written when it is set). Call it before each step, outside a capture; a no-op unless options.CudaGraph.
    /// </summary>
    public void Prepare(int step) => emaDecay?.FillInPlace(Average.DecayAt(step));

    public DistillationOptions Options { get; }
    public AdamW Optimizer { get; }
    public Ema Average { get; }

    /// <summary>Teacher and student predictions at (x_t, t) under the conditions (caption tokens, class ids), and the loss on them (<see cref="DistillationForwardPass.Run"/>).</summary>
    public DistillationForward Forward(Tensor xt, Tensor t, Tensor tokens, Tensor? noise = null, Tensor? keptCaption = null) =>
        forward.Run(xt, t, tokens, noise, keptCaption);

    /// <summary>Backward from the total loss, clipping, AdamW at the current learning rate, EMA update with warm-up at <paramref name="step"/>; returns the gradient norm before clipping.</summary>
    public Tensor Update(DistillationLossTerms terms, int step)
    {
        using var scope = Torch.NewDisposeScope();
        terms.Total.Backward();
        var norm = GradClip.ClipGradNorm(trainable, Options.MaxGradNorm);
        Optimizer.Step();
        Optimizer.ZeroGrad();
        if (emaDecay is not null) Average.Update(emaDecay);
        else Average.Update(step);
        forward.ClearFeatures();
        return norm.MoveToOuterScope();
    }

    /// <summary><see cref="Forward"/> then <see cref="Update"/>; the loss terms stay in the caller's scope.</summary>
    public DistillationLossTerms Run(Tensor xt, Tensor t, Tensor tokens, int step, Tensor? noise = null, Tensor? keptCaption = null)
    {
        var forward = Forward(xt, t, tokens, noise, keptCaption);
        forward.TeacherEps.Dispose();
        forward.StudentEps.Dispose();
        Update(forward.Terms, step).Dispose();
        return forward.Terms;
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        emaDecay?.Dispose();
        forward.Dispose();
    }
}
