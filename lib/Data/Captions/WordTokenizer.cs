using System.Text;
using RandCond.Tensors;

namespace RandCond.Data;

/// <summary>
/// Splits captions into lower-case words (runs of letters or digits) and maps them to ids in a fixed
/// vocabulary: the special tokens first (ids 0..4), then the words in ordinal order. An encoded caption is
/// <c>&lt;bos&gt; words &lt;eos&gt;</c> padded with <c>&lt;pad&gt;</c>; the null caption (empty text, used for
/// classifier-free guidance) is <c>&lt;bos&gt; &lt;null&gt; &lt;eos&gt;</c>.
/// </summary>
public sealed class WordTokenizer
{
    public const string Pad = "<pad>", Bos = "<bos>", Eos = "<eos>", Unknown = "<unk>", Null = "<null>";
    public const long PadId = 0, BosId = 1, EosId = 2, UnknownId = 3, NullId = 4;
    private static readonly string[] Specials = [Pad, Bos, Eos, Unknown, Null];

    private readonly string[] vocabulary;
    private readonly Dictionary<string, long> ids;

    private WordTokenizer(string[] vocabulary)
    {
        this.vocabulary = vocabulary;
        ids = new Dictionary<string, long>(vocabulary.Length, StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Length; i++) ids[vocabulary[i]] = i;
    }

    /// <summary>A vocabulary of the special tokens and every word of <paramref name="captions"/>.</summary>
    public static WordTokenizer FromCaptions(IEnumerable<string> captions)
    {
        var words = new SortedSet<string>(captions.SelectMany(Words), StringComparer.Ordinal);
        return new WordTokenizer([.. Specials, .. words]);
    }

    /// <summary>The project's tokenizer: the words of every caption of MNIST and Fashion-MNIST (data/captions).</summary>
    public static WordTokenizer ForDatasets() =>
        FromCaptions(Enum.GetValues<DatasetKind>().SelectMany(k => CaptionTemplates.For(k).ExpandAll().SelectMany(c => c)));

    /// <summary>Tokens by id.</summary>
    public IReadOnlyList<string> Vocabulary => vocabulary;

    public int VocabularySize => vocabulary.Length;

    public long IdOf(string word) => ids.TryGetValue(word, out var id) ? id : UnknownId;

    /// <summary>The words of a caption: lower case, split at every character that is not a letter or a digit.</summary>
    public static string[] Words(string caption)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var ch in caption)
        {
            if (char.IsLetterOrDigit(ch)) word.Append(char.ToLowerInvariant(ch));
            else if (word.Length > 0) { words.Add(word.ToString()); word.Clear(); }
        }
        if (word.Length > 0) words.Add(word.ToString());
        return [.. words];
    }

    /// <summary>The length a caption encodes to without truncation (its words plus &lt;bos&gt; and &lt;eos&gt;).</summary>
    public static int EncodedLength(string caption) => Math.Max(Words(caption).Length, 1) + 2;

    /// <summary>
    /// <c>&lt;bos&gt; ids &lt;eos&gt; &lt;pad&gt;...</c>, exactly <paramref name="maxLength"/> long; words past
    /// maxLength - 2 are cut so that &lt;eos&gt; always ends the caption. Unknown words map to &lt;unk&gt;.
    /// </summary>
    public long[] Encode(string caption, int maxLength)
    {
        var result = new long[maxLength];
        EncodeInto(caption, result);
        return result;
    }

    /// <summary>Captions as an Int64 tensor (B, maxLength).</summary>
    public Tensor EncodeBatch(IReadOnlyList<string> captions, int maxLength, Device? device = null)
    {
        var ids = new long[(long)captions.Count * maxLength];
        for (int b = 0; b < captions.Count; b++) EncodeInto(captions[b], ids.AsSpan(b * maxLength, maxLength));
        return Torch.FromArray(ids, [captions.Count, maxLength], device);
    }

    /// <summary>The null caption repeated: (count, maxLength), as classifier-free guidance needs for its unconditional branch.</summary>
    public Tensor NullTokens(int count, int maxLength, Device? device = null) =>
        EncodeBatch(Enumerable.Repeat("", count).ToArray(), maxLength, device);

    /// <summary>The words of encoded ids, joined by spaces (special tokens left out; the null caption gives "").</summary>
    public string Decode(ReadOnlySpan<long> tokenIds)
    {
        var words = new List<string>();
        foreach (var id in tokenIds)
        {
            if (id == EosId) break;
            if (id is PadId or BosId or NullId) continue;
            words.Add(id >= 0 && id < vocabulary.Length ? vocabulary[id] : Unknown);
        }
        return string.Join(' ', words);
    }

    /// <summary>Writes the vocabulary, one token per line in id order (to a temporary file, then renamed).</summary>
    public void Save(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllLines(temp, vocabulary);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a vocabulary written by <see cref="Save"/>.</summary>
    public static WordTokenizer Load(string path) => FromVocabulary(File.ReadAllLines(path), path);

    /// <summary>A tokenizer from its tokens by id (as <see cref="Vocabulary"/> lists them), checked as <see cref="Load"/> does.</summary>
    public static WordTokenizer FromVocabulary(IReadOnlyList<string> lines, string source = "vocabulary")
    {
        for (int i = 0; i < Specials.Length; i++)
            if (i >= lines.Count || lines[i] != Specials[i])
                throw new FormatException($"{source}:{i + 1}: expected the special token {Specials[i]} (the first lines are {string.Join(", ", Specials)})");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Count; i++)
        {
            if (!seen.Add(lines[i])) throw new FormatException($"{source}:{i + 1}: token '{lines[i]}' appears twice");
            if (i >= Specials.Length && (lines[i].Length == 0 || !lines[i].All(char.IsLetterOrDigit)))
                throw new FormatException($"{source}:{i + 1}: '{lines[i]}' is not a word (letters and digits only)");
        }
        return new WordTokenizer(lines.ToArray());
    }

    private void EncodeInto(string caption, Span<long> output)
    {
        if (output.Length < 3) throw new ArgumentOutOfRangeException("maxLength", output.Length, "an encoding needs at least 3 tokens: <bos>, one word, <eos>");
        var words = Words(caption);
        output.Fill(PadId);
        output[0] = BosId;
        int n = Math.Min(words.Length, output.Length - 2);
        if (words.Length == 0) { output[1] = NullId; n = 1; }
        else for (int i = 0; i < n; i++) output[i + 1] = IdOf(words[i]);
        output[n + 1] = EosId;
    }
}
