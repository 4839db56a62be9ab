namespace RandCond.Data;

/// <summary>The value range 8-bit pixels are mapped to: 0..255 to [0, 1], or to [-1, 1] as diffusion models expect.</summary>
public enum PixelRange { ZeroOne, MinusOneOne }
