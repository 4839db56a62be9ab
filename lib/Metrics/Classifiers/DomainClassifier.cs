using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>Penultimate features (N, FeatureDim) and logits (N, ClassCount) of one batch.</summary>
public sealed record ClassifierOutput(Tensor Features, Tensor Logits) : IDisposable
{
    public void Dispose()
    {
        Features.Dispose();
        Logits.Dispose();
    }
}

/// <summary>
/// A classifier of 28x28 grayscale images in [-1, 1], shape (N, 1, 28, 28), whose penultimate features
/// define the space in which generated samples are scored (Fréchet distance) and whose softmax gives the
/// Inception-style score and per-condition accuracy.
/// </summary>
public abstract class DomainClassifier : Module<Tensor, Tensor>
{
    public const long ImageSize = 28;

    /// <summary>The name saved in checkpoints and used to rebuild the network (see <see cref="ClassifierCheckpoint"/>).</summary>
    public abstract string Architecture { get; }

    /// <summary>The constructor arguments, as saved in checkpoints.</summary>
    public abstract IReadOnlyDictionary<string, long> Hyperparameters { get; }

    public abstract long FeatureDim { get; }
    public abstract long ClassCount { get; }

    /// <summary>The device of the parameters.</summary>
    public Device Device => Parameters().First().Data.Device;

    public abstract ClassifierOutput ForwardWithFeatures(Tensor images);

    public override Tensor Forward(Tensor images)
    {
        using var output = ForwardWithFeatures(images);
        return output.Logits.Alias();
    }

    protected static void CheckImages(Tensor images, string architecture)
    {
        var s = images.Shape;
        if (s.Length != 4 || s[1] != 1 || s[2] != ImageSize || s[3] != ImageSize)
            throw new ArgumentException($"{architecture}: expected images of shape (N, 1, 28, 28), got [{string.Join(", ", s)}]");
    }
}
