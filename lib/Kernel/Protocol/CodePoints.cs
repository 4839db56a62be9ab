using System.Text;

namespace RandCond.Kernel.Protocol;

/// <summary>Jupyter counts cursor positions in Unicode code points; .NET strings index UTF-16 code units.</summary>
public static class CodePoints
{
    public static int ToUtf16Index(string text, int codePoints)
    {
        var index = 0;
        for (var i = 0; i < codePoints && index < text.Length; i++)
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
        return index;
    }

    public static int FromUtf16Index(string text, int index)
    {
        index = Math.Clamp(index, 0, text.Length);
        var count = 0;
        foreach (var _ in text.AsSpan(0, index).EnumerateRunes()) count++;
        return count;
    }
}
