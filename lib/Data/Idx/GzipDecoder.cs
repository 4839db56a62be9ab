using System.Buffers.Binary;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.Checksum;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace RandCond.Data;

/// <summary>
/// Decodes a whole gzip file (RFC 1952), member by member, and tells its failures apart: a bad header, corrupt
/// deflate data, a CRC-32 or length mismatch in a member's trailer, a truncated file, or bytes after the last member
/// (System.IO.Compression reports the first three alike and ignores the last).
/// </summary>
internal static class GzipDecoder
{
    private const byte FlagHeaderCrc = 0x02, FlagExtra = 0x04, FlagName = 0x08, FlagComment = 0x10, FlagsReserved = 0xe0;

    internal static bool HasMagic(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;

    /// <summary>The concatenated contents of every member; throws <see cref="IdxFormatException"/> (field "gzip stream") on any defect.</summary>
    internal static byte[] Decompress(byte[] file, string path)
    {
        var output = new MemoryStream(file.Length >= 4 ? (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(^4)), Array.MaxLength) : 0);
        var buffer = new byte[1 << 16];
        int at = 0;
        for (int member = 0; ; member++)
        {
            string where = member == 0 ? "" : $"member {member}: ";
            at = SkipHeader(file, at, path, where);
            long start = output.Length;
            var inflater = new Inflater(noHeader: true);
            inflater.SetInput(file, at, file.Length - at);
            try
            {
                while (!inflater.IsFinished)
                {
                    int n = inflater.Inflate(buffer);
                    if (n == 0 && !inflater.IsFinished)
                        throw Error(path, $"{where}truncated: the file ends inside the compressed data (after {output.Length - start} decompressed bytes)");
                    output.Write(buffer, 0, n);
                }
            }
            catch (SharpZipBaseException e)
            {
                throw Error(path, $"{where}corrupt compressed data after {output.Length - start} decompressed bytes ({e.Message})", e);
            }
            at = file.Length - inflater.RemainingInput;
            if (file.Length - at < 8)
                throw Error(path, $"{where}truncated: the 8-byte trailer (CRC-32 and length) is missing, {file.Length - at} bytes left");
            var crc = new Crc32();
            crc.Update(new ArraySegment<byte>(output.GetBuffer(), (int)start, (int)(output.Length - start)));
            uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at));
            uint storedLength = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4));
            if ((uint)crc.Value != storedCrc)
                throw Error(path, $"{where}CRC error: the decompressed data's CRC-32 is 0x{(uint)crc.Value:X8} but the trailer says 0x{storedCrc:X8}: the file is corrupt");
            if ((uint)(output.Length - start) != storedLength)
                throw Error(path, $"{where}length error: {output.Length - start} bytes decompressed but the trailer says {storedLength} (mod 2^32)");
            at += 8;
            if (at == file.Length) return output.ToArray();
            if (!HasMagic(file.AsSpan(at)))
                throw Error(path, $"trailing garbage: {file.Length - at} bytes after the end of the gzip data (at offset {at})");
        }
    }

    /// <summary>Checks a member header starting at <paramref name="at"/>; returns where its compressed data starts.</summary>
    private static int SkipHeader(byte[] file, int at, string path, string where)
    {
        int Need(int position, int count, string part)
        {
            if (position + count > file.Length) throw Error(path, $"{where}truncated: the file ends inside the gzip header ({part})");
            return position + count;
        }
        Need(at, 10, "fixed fields");
        if (!HasMagic(file.AsSpan(at))) throw Error(path, $"{where}no gzip magic bytes 1f 8b at offset {at}");
        byte method = file[at + 2], flags = file[at + 3];
        if (method != 8) throw Error(path, $"{where}unsupported compression method {method} (gzip defines only 8, deflate)");
        if ((flags & FlagsReserved) != 0) throw Error(path, $"{where}reserved header flags set (0x{flags:X2})");
        int p = at + 10;
        if ((flags & FlagExtra) != 0)
        {
            Need(p, 2, "extra field length");
            p = Need(p + 2, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(p)), "extra field");
        }
        foreach (var (flag, part) in new[] { (FlagName, "file name"), (FlagComment, "comment") })
        {
            if ((flags & flag) == 0) continue;
            int end = Array.IndexOf(file, (byte)0, p);
            if (end < 0) throw Error(path, $"{where}truncated: the file ends inside the gzip header ({part})");
            p = end + 1;
        }
        if ((flags & FlagHeaderCrc) != 0) p = Need(p, 2, "header CRC");
        return p;
    }

    private static IdxFormatException Error(string path, string problem, Exception? inner = null) =>
        new(path, "gzip stream", problem, inner);
}
