using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

public class PngCodecTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Encode_then_decode_gives_the_same_pixels(int channels)
    {
        const int width = 37, height = 23;
        var random = new Random(channels);
        var pixels = new byte[width * height * channels];
        // Smooth gradients plus noise, so every filter type wins on some row.
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i % 251 + (random.Next(4) == 0 ? random.Next(256) : 0));

        var decoded = PngDecoder.Decode(PngEncoder.Encode(pixels, width, height, channels));

        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        Assert.Equal(channels, decoded.Channels);
        Assert.Equal(pixels, decoded.Pixels);
    }

    [Fact]
    public void Png_starts_with_signature_and_ihdr()
    {
        var png = new RgbImage(4, 3).ToPng();
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(png, png.Length - 8, 4));
    }

    [Fact]
    public void Corrupted_chunk_is_detected_by_crc()
    {
        var png = new RgbImage(4, 3).ToPng();
        png[20] ^= 0xFF; // inside IHDR data
        var error = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png));
        Assert.Contains("CRC", error.Message);
    }

    [Fact]
    public void Wrong_buffer_size_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[10], 2, 2, 3));
        Assert.Contains("2 x 2 x 3", error.Message);
    }
}
