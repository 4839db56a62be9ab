using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RandCond.Tensors;

namespace RandCond.Training;

/// <summary>
/// Everything that changes a run's trained weights, as named parts, and a short hash of them for checkpoint names: two
/// runs share a checkpoint (and resume each other) only when every part is equal. Leave out what only changes how a run
/// is watched or stopped (log and checkpoint intervals, time budget).
/// </summary>
public sealed class RecipeKey
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = false, WriteIndented = false };
    private readonly SortedDictionary<string, string> parts = new(StringComparer.Ordinal);

    /// <summary>Adds a part given as text; a name given twice is refused.</summary>
    public RecipeKey Add(string name, string value)
    {
        if (!parts.TryAdd(name, value)) throw new ArgumentException($"RecipeKey: the part '{name}' was already added", nameof(name));
        return this;
    }

    /// <summary>Adds a part as its JSON (records of options and configurations; numbers written invariantly and exactly).</summary>
    public RecipeKey AddJson<T>(string name, T value) => Add(name, JsonSerializer.Serialize(value, Json));

    /// <summary>Adds a part as the SHA-256 of a tensor's dtype, shape and contents (image sets, token tables).</summary>
    public RecipeKey AddTensor(string name, Tensor value)
    {
        using var contiguous = value.Contiguous();
        var digest = Convert.ToHexStringLower(SHA256.HashData(contiguous.ToBytes()));
        return Add(name, $"{value.DType} [{string.Join(",", value.Shape)}] {digest}");
    }

    /// <summary>Adds a part as a list of numbers written exactly ("R"), e.g. a schedule's values.</summary>
    public RecipeKey AddNumbers(string name, IEnumerable<double> values) =>
        Add(name, string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

    /// <summary>Every part, one per line in name order: what the hash covers.</summary>
    public string Text => string.Join("\n", parts.Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>The first <paramref name="length"/> hex digits of the SHA-256 of <see cref="Text"/>.</summary>
    public string Hash(int length = 12)
    {
        if (length is < 4 or > 64) throw new ArgumentOutOfRangeException(nameof(length), length, "a recipe hash has 4 to 64 hex digits");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..length];
    }

    public override string ToString() => $"RecipeKey({Hash()}: {string.Join(", ", parts.Keys)})";
}
