namespace RandCond.Data;

/// <summary>The image datasets RandCond works with (28x28 grayscale, 10 classes each).</summary>
public enum DatasetKind { Mnist, FashionMnist }

public enum DatasetSplit { Train, Test }

public static class DatasetKinds
{
    private static readonly string[] MnistClasses =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    // Fashion-MNIST's official label names, in label order.
    private static readonly string[] FashionClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Class names by label.</summary>
    public static IReadOnlyList<string> ClassNames(this DatasetKind kind) => kind switch
    {
        DatasetKind.Mnist => MnistClasses,
        DatasetKind.FashionMnist => FashionClasses,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown dataset"),
    };

    public static int NumClasses(this DatasetKind kind) => kind.ClassNames().Count;

    /// <summary>The dataset's folder and file stem: "mnist", "fashion-mnist" (cache folder, manifest, caption templates).</summary>
    public static string Slug(this DatasetKind kind) => kind switch
    {
        DatasetKind.Mnist => "mnist",
        DatasetKind.FashionMnist => "fashion-mnist",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown dataset"),
    };

    public static string DisplayName(this DatasetKind kind) => kind switch
    {
        DatasetKind.Mnist => "MNIST",
        DatasetKind.FashionMnist => "Fashion-MNIST",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown dataset"),
    };

    /// <summary>The IDX file stem of a split's images or labels ("train-images-idx3-ubyte"; a ".gz" may follow).</summary>
    internal static string FileStem(DatasetSplit split, bool images) =>
        (split == DatasetSplit.Train ? "train" : "t10k") + (images ? "-images-idx3-ubyte" : "-labels-idx1-ubyte");
}
