using System.Security.Cryptography;
using System.Text;

namespace RandCond.Metrics;

/// <summary>
/// A short hash of a classifier's architecture and weights, stored with cached feature statistics so that
/// statistics are never compared across different classifiers (their feature spaces differ).
/// </summary>
public static class ClassifierFingerprints
{
    public static string Of(DomainClassifier classifier)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(classifier.Architecture));
        foreach (var (name, tensor) in classifier.StateDict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            using var detached = tensor.Detach();
            hash.AppendData(detached.ToBytes());
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
