using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>
/// Collects named block outputs during <see cref="UNetModel.Forward"/> (names as in <see cref="UNetModel.Describe"/>).
/// The captured tensors stay in the autograd graph (a feature loss can backpropagate through them), live
/// outside every dispose scope and belong to the capture: disposing it (or <see cref="Clear"/>) frees them.
/// A second forward with the same capture replaces the earlier tensors.
/// </summary>
public sealed class FeatureCapture : IDisposable
{
    private readonly HashSet<string>? wanted;
    private readonly Dictionary<string, Tensor> features = new();

    /// <summary>Captures the named blocks; unknown names make the forward pass throw.</summary>
    public FeatureCapture(IEnumerable<string> names)
    {
        wanted = new HashSet<string>(names);
    }

    private FeatureCapture() { }

    /// <summary>Captures every named block.</summary>
    public static FeatureCapture All() => new();

    public IReadOnlyCollection<string>? Requested => wanted;
    public IReadOnlyDictionary<string, Tensor> Features => features;
    public Tensor this[string name] => features.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"no feature '{name}' was captured (captured: {string.Join(", ", features.Keys)})");

    public bool Wants(string name) => wanted is null || wanted.Contains(name);

    /// <summary>Called by a model's forward pass for each named feature it has; kept (as an alias) only if wanted.</summary>
    public void Offer(string name, Tensor value)
    {
        if (!Wants(name)) return;
        var alias = value.Alias().DetachFromDisposeScope();
        if (features.Remove(name, out var old)) old.Dispose();
        features[name] = alias;
    }

    public void Clear()
    {
        foreach (var t in features.Values) t.Dispose();
        features.Clear();
    }

    public void Dispose() => Clear();
}
