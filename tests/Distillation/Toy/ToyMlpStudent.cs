using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.Toy;

/// <summary>
/// A small conditional noise predictor for 2-D points: [x_t, sinusoidal embedding of t, learned embedding of the class]
/// through a SiLU MLP to eps. Classes are ids 0..K-1; the null class (-1) has its own embedding row (K). Offers its
/// last hidden layer as the feature "hidden", so a feature loss can match it.
/// </summary>
internal sealed class ToyMlpStudent : Module, INoisePredictor
{
    private const long TimeWidth = 32;
    private readonly Embedding classes;
    private readonly Linear input, middle, last, output;

    public ToyMlpStudent(int classCount, long width = 128, long classWidth = 16)
    {
        ClassCount = classCount;
        classes = Register("classes", new Embedding(classCount + 1, classWidth));
        input = Register("input", new Linear(2 + TimeWidth + classWidth, width));
        middle = Register("middle", new Linear(width, width));
        last = Register("last", new Linear(width, width));
        output = Register("output", new Linear(width, 2));
    }

    public int ClassCount { get; }
    public Prediction Prediction => Prediction.Epsilon;

    public Tensor Predict(Tensor xt, Tensor t, Tensor? condition) =>
        Forward(xt, t, condition ?? throw new ArgumentNullException(nameof(condition), "the toy student needs class ids (-1 for the null class)"));

    public Tensor Forward(Tensor xt, Tensor t, Tensor condition, FeatureCapture? capture = null)
    {
        using var scope = Torch.NewDisposeScope();
        // The null class -1 reads row K of the embedding.
        var row = condition.Where(condition.Ne(-1), Torch.FullLike(condition, ClassCount));
        var features = Torch.Cat([xt.To(DType.Float32), TimeEmbedding.Sinusoid(t, TimeWidth), classes.Forward(row)], 1);
        var h = input.Forward(features).Silu();
        h = middle.Forward(h).Silu();
        h = last.Forward(h).Silu();
        capture?.Offer("hidden", h);
        return output.Forward(h).MoveToOuterScope();
    }
}
