using System.Globalization;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>
/// Mean (D) and covariance (D, D) of a feature set, in float64 on the CPU, with the number of samples and the
/// fingerprint of the classifier that made the features (null when they came from elsewhere). Saved as
/// safetensors ("mu", "sigma"), so the statistics of a real test set are computed once.
/// </summary>
public sealed class FeatureStatistics : IDisposable
{
    public FeatureStatistics(Tensor mean, Tensor covariance, long count, string? classifierFingerprint = null)
    {
        long d = mean.Shape is [var n] ? n : throw new ArgumentException($"FeatureStatistics: mean must be 1-D, got [{string.Join(", ", mean.Shape)}]");
        if (!covariance.Shape.SequenceEqual(new[] { d, d }))
            throw new ArgumentException($"FeatureStatistics: covariance must be [{d}, {d}] to match the mean, got [{string.Join(", ", covariance.Shape)}]");
        (Mean, Covariance) = (OwnCopy(mean), OwnCopy(covariance));
        (Count, ClassifierFingerprint) = (count, classifierFingerprint);
    }

    private static Tensor OwnCopy(Tensor t)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        return t.Detach().To(Device.CPU, DType.Float64).Clone().DetachFromDisposeScope();
    }

    public Tensor Mean { get; }
    public Tensor Covariance { get; }
    public long Count { get; }
    public string? ClassifierFingerprint { get; }
    public long Dim => Mean.Size(0);

    /// <summary>Statistics of features (N, D), N >= 2, computed in float64 on their device; the covariance is unbiased (N - 1).</summary>
    public static FeatureStatistics FromFeatures(Tensor features, string? classifierFingerprint = null)
    {
        if (features.Shape is not [var n, _]) throw new ArgumentException($"FeatureStatistics: features must be (N, D), got [{string.Join(", ", features.Shape)}]");
        if (n < 2) throw new ArgumentException($"FeatureStatistics: a covariance needs at least 2 samples, got {n}");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var f = features.To(DType.Float64);
        var mean = f.Mean(0);
        var centered = f - mean;
        var covariance = centered.T.MatMul(centered) / (double)(n - 1);
        return new FeatureStatistics(mean, covariance, n, classifierFingerprint);
    }

    /// <summary>Statistics of the classifier's features of images (N, 1, 28, 28) in [-1, 1].</summary>
    public static FeatureStatistics FromImages(DomainClassifier classifier, Tensor images, int batchSize = 500)
    {
        using var outputs = ClassifierOutputs.Collect(classifier, images, batchSize);
        return FromFeatures(outputs.Features, ClassifierFingerprints.Of(classifier));
    }

    /// <summary>
    /// Loads the statistics cached at path when they were made by this classifier from as many images; else
    /// computes them from images and writes the cache.
    /// </summary>
    public static FeatureStatistics LoadOrCompute(string path, DomainClassifier classifier, Tensor images, int batchSize = 500)
    {
        if (File.Exists(path))
        {
            var cached = Load(path);
            if (cached.ClassifierFingerprint == ClassifierFingerprints.Of(classifier) && cached.Count == images.Size(0)) return cached;
            cached.Dispose();
        }
        var stats = FromImages(classifier, images, batchSize);
        stats.Save(path);
        return stats;
    }

    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = metadata?.ToDictionary(kv => kv.Key, kv => kv.Value) ?? new Dictionary<string, string>();
        meta["count"] = Count.ToString(CultureInfo.InvariantCulture);
        if (ClassifierFingerprint is not null) meta["classifier_fingerprint"] = ClassifierFingerprint;
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["mu"] = Mean, ["sigma"] = Covariance }, meta);
    }

    public static FeatureStatistics Load(string path)
    {
        using var contents = Safetensors.Load(path);
        var t = contents.Tensors;
        if (!t.TryGetValue("mu", out var mu) || !t.TryGetValue("sigma", out var sigma))
            throw new InvalidDataException($"{path}: feature statistics need tensors 'mu' and 'sigma', found: {string.Join(", ", t.Keys)}");
        if (!contents.Metadata.TryGetValue("count", out var countText) || !long.TryParse(countText, CultureInfo.InvariantCulture, out var count))
            throw new InvalidDataException($"{path}: metadata has no integer 'count'");
        contents.Metadata.TryGetValue("classifier_fingerprint", out var fingerprint);
        try
        {
            return new FeatureStatistics(mu, sigma, count, fingerprint);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}
