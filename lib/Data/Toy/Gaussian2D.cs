namespace RandCond.Data.Toy;

/// <summary>A 2-D normal distribution: mean (MeanX, MeanY) and covariance [[VarX, CovXY], [CovXY, VarY]] (positive definite).</summary>
public sealed record Gaussian2D(double MeanX, double MeanY, double VarX, double VarY, double CovXY = 0)
{
    public static Gaussian2D Isotropic(double meanX, double meanY, double variance) => new(meanX, meanY, variance, variance);

    /// <summary>The law of sqrt(ab) x + sqrt(1 - ab) eps for x from this one: N(sqrt(ab) mu, ab Sigma + (1 - ab) I).</summary>
    public Gaussian2D Noised(double alphaBar) => new(
        Math.Sqrt(alphaBar) * MeanX, Math.Sqrt(alphaBar) * MeanY,
        alphaBar * VarX + (1 - alphaBar), alphaBar * VarY + (1 - alphaBar), alphaBar * CovXY);

    internal void Validate(string where)
    {
        if (!double.IsFinite(MeanX) || !double.IsFinite(MeanY))
            throw new ArgumentException($"{where}: mean ({MeanX}, {MeanY}) is not finite");
        if (!(VarX > 0 && VarY > 0 && VarX * VarY - CovXY * CovXY > 0))
            throw new ArgumentException($"{where}: covariance [[{VarX}, {CovXY}], [{CovXY}, {VarY}]] is not positive definite");
    }
}
