namespace RandCond.Data.Attributes;

/// <summary>
/// The bins of one digit class: its thickness quartiles (pixels) and its slant quartiles, of the slant's magnitude in
/// degrees (a digit leaning left is as "slanted" as one leaning right).
/// </summary>
public sealed record DigitBins(int Label, MeasureQuartiles Thickness, MeasureQuartiles Slant);
