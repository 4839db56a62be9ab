using RandCond.Tensors;

namespace RandCond.Plotting;

/// <summary>
/// Tensor: text/plain, libtorch's printout up to <see cref="MaxPrintedElements"/> elements, else dtype, shape and
/// device. Without it .NET Interactive shows a tensor as a tree of its properties, six levels deep, and creates a
/// transposed tensor (<see cref="Tensor.T"/>) at every level.
/// </summary>
public sealed class TensorFormatterSource
{
    public const long MaxPrintedElements = 1000;

    public IEnumerable<object> CreateTypeFormatters() => new object[]
    {
        ConventionFormatter.For<Tensor>("text/plain", Text),
    };

    public static string Text(Tensor tensor) =>
        tensor.IsDisposed || tensor.NumEl <= MaxPrintedElements
            ? tensor.ToString()
            : $"{tensor.Describe()} ({tensor.NumEl} elements; ToString() prints them all)";
}
