using System.Text.RegularExpressions;

namespace RandCond.Data;

/// <summary>One line of a SHA-256 manifest in <c>sha256sum</c>'s format: 64 hex digits, two spaces (or " *"), a file name.</summary>
public sealed partial record ManifestEntry(string Sha256, string FileName)
{
    public static IReadOnlyList<ManifestEntry> ReadAll(string path)
    {
        var entries = new List<ManifestEntry>();
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var m = LinePattern().Match(lines[i]);
            if (!m.Success)
                throw new InvalidDataException($"{path}:{i + 1}: expected '<64 hex digits>  <file name>' as sha256sum writes it, got '{lines[i]}'");
            entries.Add(new ManifestEntry(m.Groups[1].Value.ToLowerInvariant(), m.Groups[2].Value));
        }
        if (entries.Count == 0) throw new InvalidDataException($"{path}: the manifest lists no files");
        return entries;
    }

    [GeneratedRegex(@"^([0-9a-fA-F]{64}) [ *]([^/\\]+)$")]
    private static partial Regex LinePattern();
}
