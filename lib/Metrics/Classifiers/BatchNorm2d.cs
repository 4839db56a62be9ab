using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>
/// Batch normalization over (N, C, H, W) with running statistics, as <c>torch.nn.BatchNorm2d</c> (names
/// weight, bias, running_mean, running_var). Training mode normalizes by the batch and updates the running
/// statistics in place; eval mode normalizes by the running statistics.
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{

    public BatchNorm2d(long channels, double momentum = 0.1, double eps = 1e-5, Device? device = null)
    {
        (Momentum, Eps) = (momentum, eps);
        Weight = RegisterParameter("weight", Torch.Ones([channels], device: device));
        Bias = RegisterParameter("bias", Torch.Zeros([channels], device: device));
        RegisterBuffer("running_mean", Torch.Zeros([channels], device: device));
        RegisterBuffer("running_var", Torch.Ones([channels], device: device));
    }

    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public double Momentum { get; }
    public double Eps { get; }

    public override Tensor Forward(Tensor input) =>
        Torch.Op("aten::batch_norm", "", input, Weight.Data, Bias.Data, Buffer("running_mean"), Buffer("running_var"),
                 Training, Momentum, Eps, true);
}
