namespace RandCond.Data;

/// <summary>The contents of an unsigned-byte IDX file: its dimensions and its elements in row-major order.</summary>
public sealed record IdxArray(string Path, int[] Dimensions, byte[] Data)
{
    public long Count => Dimensions[0];
}
