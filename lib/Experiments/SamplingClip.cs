using System.Globalization;

namespace RandCond.Experiments;

/// <summary>
/// How the sampling labs clip (their verbs' --clip-x0 V|none): DDIM clips each step's estimate x^ to [-V, V] (default 1, the data's
/// range) or not at all. A noise-predicting network's x^ = (x_t - s_t eps^)/a_t multiplies an error of eps^ by up to 157
/// at t = 999, so unclipped few-step samples keep saturated speckles (results/sfddm-mnist-quick-noclip-cpu.md,
/// results/codi-mnist-sr7-quick-1000x16-noclip-cpu.md).
/// </summary>
public static class SamplingClip
{
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
