using System.Globalization;

namespace RandCond.Experiments;

/// <summary>
/// The --clip-x0 V|none option of the sampling labs: DDIM clips each step's estimate x^ to [-V, V] (default 1, the data's
/// range) or not at all. A noise-predicting network's x^ = (x_t - s_t eps^)/a_t multiplies an error of eps^ by up to 157
/// at t = 999, so unclipped few-step samples keep saturated speckles (results/sfddm-mnist-quick-noclip-cpu.md,
/// results/codi-mnist-sr7-quick-1000x16-noclip-cpu.md).
/// </summary>
public static class SamplingClip
{
    /// <summary>The bound, or null for "none"; throws, naming the option, for a bound that is not positive.</summary>
    public static double? Parse(LabArguments a)
    {
        if (a.String("clip-x0", "1") == "none") return null;
        double bound = a.Double("clip-x0", 1);
        if (!(bound > 0)) throw new ArgumentException($"--clip-x0 must be positive (got {bound})");
        return bound;
    }

    /// <summary>What a record's name carries after its scale: nothing for the default, "-noclip" or "-clipV" otherwise.</summary>
    public static string RecordTag(double? bound) => bound switch
    {
        null => "-noclip",
        1.0 => "",
        { } b => $"-clip{b.ToString(CultureInfo.InvariantCulture)}",
    };

    /// <summary>The sampling description's clause, for a record's JSON.</summary>
    public static string Describe(double? bound) => bound is { } b ? $"every step's estimate x^ clipped to [-{b}, {b}]" : "x^ not clipped";
}
