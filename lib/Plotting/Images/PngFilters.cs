namespace RandCond.Plotting;

/// <summary>The five PNG scanline filters (None, Sub, Up, Average, Paeth), forward and inverse.</summary>
internal static class PngFilters
{
    /// <summary>Writes the filter byte and filtered row into output; returns the sum of |signed bytes| as a score.</summary>
    public static long Apply(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> output)
    {
        output[0] = filter;
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = prior.IsEmpty ? 0 : prior[i];
            int c = i >= bpp && !prior.IsEmpty ? prior[i - bpp] : 0;
            byte value = (byte)(row[i] - Predict(filter, a, b, c));
            output[i + 1] = value;
            int signed = (sbyte)value;
            score += signed < 0 ? -signed : signed;
        }
        return score;
    }

    /// <summary>Undoes a filter in place; prior is the previous reconstructed row (empty for the first).</summary>
    public static void Reverse(byte filter, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        if (filter > 4) throw new InvalidDataException($"PNG: unknown filter type {filter}.");
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = prior.IsEmpty ? 0 : prior[i];
            int c = i >= bpp && !prior.IsEmpty ? prior[i - bpp] : 0;
            row[i] = (byte)(row[i] + Predict(filter, a, b, c));
        }
    }

    private static int Predict(byte filter, int a, int b, int c) => filter switch
    {
        0 => 0,
        1 => a,
        2 => b,
        3 => (a + b) >> 1,
        4 => Paeth(a, b, c),
        _ => throw new InvalidDataException($"PNG: unknown filter type {filter}."),
    };

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }
}
