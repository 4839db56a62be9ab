using System.CommandLine;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Cli.Lab;

/// <summary>
/// The fast paths' switches of the distilling verbs, each true on a CUDA device and false on the CPU by default
/// (<see cref="CudaFastPaths.For"/>): the groups --cuda-graph, --bf16 and --channels-last (sampling and step), and each
/// path alone, which wins over its group: --graphed-sampling, --bf16-sampling, --graphed-step, --bf16-step and
/// --bf16-teacher-step, --channels-last-step; and --fused-norm-step, --overlapped-teacher-step, --concurrent-students.
/// </summary>
public sealed class FastPathOptions
{
    private readonly Option<bool?> cudaGraph = LabOptions.Switch("--cuda-graph", "Sample and take each distillation step as CUDA graphs (default: true on CUDA)");
    private readonly Option<bool?> bf16 = LabOptions.Switch("--bf16", "Sample on BFloat16 weights and take each step under BFloat16 autocast (default: true on CUDA)");
    private readonly Option<bool?> channelsLast = LabOptions.Switch("--channels-last", "Sample and take each distillation step laid out channels-last (default: true on CUDA)");
    private readonly Option<bool?> graphedSampling = LabOptions.Switch("--graphed-sampling", "Sampling alone as one CUDA graph per walk (default: --cuda-graph)");
    private readonly Option<bool?> bf16Sampling = LabOptions.Switch("--bf16-sampling", "Sampling alone on BFloat16 weights (default: --bf16)");
    private readonly Option<bool?> graphedStep = LabOptions.Switch("--graphed-step", "The distillation step alone as a CUDA graph (default: --cuda-graph)");
    private readonly Option<bool?> bf16Step = LabOptions.Switch("--bf16-step", "The distillation step alone under BFloat16 autocast (default: --bf16)");
    private readonly Option<bool?> fusedNormStep = LabOptions.Switch("--fused-norm-step", "The distillation step's norms on the fused CUDA kernels with their backward (default: true on CUDA)");
    private readonly Option<bool?> bf16TeacherStep = LabOptions.Switch("--bf16-teacher-step", "The distillation step's frozen teacher alone on a BFloat16 copy of its U-Net (default: --bf16)");
    private readonly Option<bool?> overlappedTeacherStep = LabOptions.Switch("--overlapped-teacher-step", "The distillation step's frozen teacher on a second CUDA stream beside the student (default: true on CUDA)");
    private readonly Option<bool?> concurrentStudents = LabOptions.Switch("--concurrent-students", "Train the lab's students two at a time, each on a CUDA stream of its own (default: true on CUDA; on the CPU they take turns)");
    private readonly Option<bool?> channelsLastStep = LabOptions.Switch("--channels-last-step", "The distillation step alone laid out channels-last (default: --channels-last)");

    public IEnumerable<Option> All => [cudaGraph, bf16, channelsLast, graphedSampling, bf16Sampling, graphedStep, bf16Step, fusedNormStep, bf16TeacherStep, channelsLastStep, overlappedTeacherStep, concurrentStudents];

    /// <summary>The paths the switches ask for on <paramref name="device"/>; throws, naming the path, on one the device cannot run.</summary>
    public CudaFastPaths Paths(ParseResult parsed, Device device)
    {
        var d = CudaFastPaths.For(device);
        bool graph = parsed.GetValue(cudaGraph) ?? d.GraphedStep, bf = parsed.GetValue(bf16) ?? d.Bf16Step,
             cl = parsed.GetValue(channelsLast) ?? d.ChannelsLastSampling;
        var paths = new CudaFastPaths(
            GraphedSampling: parsed.GetValue(graphedSampling) ?? graph,
            Bf16Sampling: parsed.GetValue(bf16Sampling) ?? bf,
            ChannelsLastSampling: cl,
            GraphedStep: parsed.GetValue(graphedStep) ?? graph,
            Bf16Step: parsed.GetValue(bf16Step) ?? bf,
            FusedNormStep: parsed.GetValue(fusedNormStep) ?? d.FusedNormStep,
            Bf16TeacherStep: parsed.GetValue(bf16TeacherStep) ?? bf,
            ChannelsLastStep: parsed.GetValue(channelsLastStep) ?? cl,
            OverlappedTeacherStep: parsed.GetValue(overlappedTeacherStep) ?? d.OverlappedTeacherStep,
            ConcurrentStudents: parsed.GetValue(concurrentStudents) ?? d.ConcurrentStudents);
        try
        {
            return paths.Validate(device);
        }
        catch (ArgumentException e)
        {
            // The record's field names the path; the command line knows it by its switches.
            throw new ArgumentException(e.Message
                .Replace("CudaFastPaths.GraphedSampling", "--graphed-sampling (or --cuda-graph)")
                .Replace("CudaFastPaths.GraphedStep", "--graphed-step (or --cuda-graph)")
                .Replace("CudaFastPaths.Bf16Step", "--bf16-step (or --bf16)")
                .Replace("CudaFastPaths.FusedNormStep", "--fused-norm-step")
                .Replace("CudaFastPaths.OverlappedTeacherStep", "--overlapped-teacher-step"));
        }
    }
}
