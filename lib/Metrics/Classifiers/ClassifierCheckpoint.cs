using System.Globalization;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>What a classifier checkpoint says about the network besides its weights.</summary>
public sealed record ClassifierInfo(string Architecture, string Dataset, double TestAccuracy, DateTimeOffset Date,
                                    IReadOnlyDictionary<string, long> Hyperparameters);

/// <summary>
/// Saves and loads domain classifiers as safetensors: the state dict (PyTorch names) plus metadata with the
/// architecture, its constructor arguments (hp.NAME), the dataset, the test accuracy and the date.
/// </summary>
public static class ClassifierCheckpoint
{
    public static void Save(string path, DomainClassifier classifier, string dataset, double testAccuracy, DateTimeOffset? date = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["architecture"] = classifier.Architecture,
            ["dataset"] = dataset,
            ["test_accuracy"] = testAccuracy.ToString("R", CultureInfo.InvariantCulture),
            ["date"] = (date ?? DateTimeOffset.UtcNow).ToString("o", CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in classifier.Hyperparameters)
            metadata[$"hp.{name}"] = value.ToString(CultureInfo.InvariantCulture);
        Safetensors.Save(path, classifier.StateDict(), metadata);
    }

    public static (DomainClassifier Classifier, ClassifierInfo Info) Load(string path, Device? device = null)
    {
        using var contents = Safetensors.Load(path, device);
        var info = ReadInfo(path, contents.Metadata);
        var classifier = Create(path, info, device);
        try
        {
            classifier.LoadStateDict(contents.Tensors);
        }
        catch (ArgumentException e)
        {
            classifier.Dispose();
            throw new InvalidDataException($"{path}: the weights do not fit a '{info.Architecture}' network: {e.Message}", e);
        }
        classifier.Eval();
        return (classifier, info);
    }

    /// <summary>Reads only the metadata.</summary>
    public static ClassifierInfo ReadInfo(string path) => ReadInfo(path, Safetensors.ReadHeader(path).Metadata);

    private static ClassifierInfo ReadInfo(string path, IReadOnlyDictionary<string, string> metadata)
    {
        string Field(string name) => metadata.TryGetValue(name, out var v)
            ? v : throw new InvalidDataException($"{path}: metadata has no '{name}' (is this a classifier checkpoint?)");
        var accuracyText = Field("test_accuracy");
        if (!double.TryParse(accuracyText, NumberStyles.Float, CultureInfo.InvariantCulture, out var accuracy))
            throw new InvalidDataException($"{path}: metadata 'test_accuracy' is '{accuracyText}', not a number");
        var dateText = Field("date");
        if (!DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date))
            throw new InvalidDataException($"{path}: metadata 'date' is '{dateText}', not an ISO 8601 date");
        var hyperparameters = new Dictionary<string, long>();
        foreach (var (key, value) in metadata.Where(kv => kv.Key.StartsWith("hp.", StringComparison.Ordinal)))
        {
            if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                throw new InvalidDataException($"{path}: metadata '{key}' is '{value}', not an integer");
            hyperparameters[key[3..]] = n;
        }
        return new ClassifierInfo(Field("architecture"), Field("dataset"), accuracy, date, hyperparameters);
    }

    private static DomainClassifier Create(string path, ClassifierInfo info, Device? device)
    {
        var hp = info.Hyperparameters;
        long Get(string name) => hp.TryGetValue(name, out var v)
            ? v : throw new InvalidDataException($"{path}: metadata has no 'hp.{name}', needed to build a '{info.Architecture}' network");
        return info.Architecture switch
        {
            LeNetClassifier.Name => new LeNetClassifier(Get("channels1"), Get("channels2"), Get("feature_dim"), Get("class_count"), device: device),
            ResNetClassifier.Name => new ResNetClassifier(Get("width"), Get("blocks_per_stage"), Get("class_count"), device: device),
            _ => throw new InvalidDataException($"{path}: unknown classifier architecture '{info.Architecture}' (known: {LeNetClassifier.Name}, {ResNetClassifier.Name})"),
        };
    }
}
