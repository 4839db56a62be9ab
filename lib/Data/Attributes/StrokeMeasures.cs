using RandCond.Tensors;

namespace RandCond.Data.Attributes;

/// <summary>
/// What <see cref="StrokeMeasurement.Measure"/> finds in each image of a batch: two Float32 (N) tensors on the images'
/// device. Owns them (disposing this disposes both) unless a dispose scope was open when they were made.
/// </summary>
/// <param name="Thickness">Mean stroke width in pixels; 0 for a blank image.</param>
/// <param name="Slant">Shear of the digit in degrees, positive when its top leans right; 0 for a blank image.</param>
public sealed record StrokeMeasures(Tensor Thickness, Tensor Slant) : IDisposable
{
    public long Count => Thickness.Size(0);

    /// <summary>Both measures copied to the host, for tables and for fitting bins.</summary>
    public (float[] Thickness, float[] Slant) ToArrays()
    {
        using var thickness = Thickness.Cpu();
        using var slant = Slant.Cpu();
        return (thickness.ToArray<float>(), slant.ToArray<float>());
    }

    public void Dispose()
    {
        Thickness.Dispose();
        Slant.Dispose();
    }
}
