using RandCond.Tensors;

namespace RandCond.Data.Toy;

/// <summary>
/// A <see cref="ComponentTable"/> evaluated at a list of noise levels, on one device: per component and
/// level (K, L) the noised mean and the precision matrix C^-1 entries, and per component and (level, mixture
/// row) (K, L * R) the log weight minus the normalizer, log w - log det(C)/2 - log 2 pi. Owns its tensors.
/// </summary>
internal sealed class NoiseLevelTables(int rows, Tensor meanX, Tensor meanY, Tensor precisionXX, Tensor precisionXY,
                                       Tensor precisionYY, Tensor bias) : IDisposable
{
    public int Rows { get; } = rows;
    public long LevelCount => MeanX.Size(1);
    public Tensor MeanX { get; } = meanX;
    public Tensor MeanY { get; } = meanY;
    public Tensor PrecisionXX { get; } = precisionXX;
    public Tensor PrecisionXY { get; } = precisionXY;
    public Tensor PrecisionYY { get; } = precisionYY;
    public Tensor Bias { get; } = bias;

    public void Dispose()
    {
        MeanX.Dispose();
        MeanY.Dispose();
        PrecisionXX.Dispose();
        PrecisionXY.Dispose();
        PrecisionYY.Dispose();
        Bias.Dispose();
    }
}
