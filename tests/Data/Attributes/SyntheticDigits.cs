using RandCond.Tensors;

namespace RandCond.Tests.Data.Attributes;

/// <summary>28 x 28 test images drawn pixel by pixel, where thickness and slant are known, in [-1, 1].</summary>
internal static class SyntheticDigits
{
    public const int Size = 28;

    /// <summary>
    /// A bar <paramref name="width"/> pixels wide over rows <paramref name="top"/>..<paramref name="top"/>+length-1,
    /// centred on column 14 at mid-height and sheared by <paramref name="shear"/> columns per row upwards (positive leans
    /// the top right): each row inks the pixels whose centres lie within width / 2 of the bar's centre line.
    /// </summary>
    public static float[] Bar(double width, int length = 20, double shear = 0, int top = 4)
    {
        var pixels = Blank();
        double middle = top + (length - 1) / 2.0;
        for (int row = top; row < top + length; row++)
        {
            double centre = 14 + shear * (middle - row);
            for (int col = 0; col < Size; col++)
                if (Math.Abs(col - centre) < width / 2 || Math.Abs(col - centre) == width / 2 && col < centre)
                    pixels[row * Size + col] = 1;
        }
        return pixels;
    }

    public static float[] Blank() => Enumerable.Repeat(-1f, Size * Size).ToArray();

    /// <summary>The images stacked as a Float32 (N, 1, 28, 28) tensor.</summary>
    public static Tensor Batch(params float[][] images) =>
        Torch.FromArray(images.SelectMany(i => i).ToArray(), [images.Length, 1, Size, Size]);
}
