using RandCond.Data;

namespace RandCond.Diffusion.Label;

/// <summary>
/// Which class each word of a caption corpus names: a word that occurs in the captions of exactly one class names that
/// class ("three", "3"); any other word ("the", "digit", "thick") names none. Every caption must contain such a word.
/// </summary>
public static class CaptionClasses
{
    /// <summary>For every token id of the tokenizer: the class the word names, or corpus.NumClasses where it names none.</summary>
    public static int[] ClassOfToken(WordTokenizer tokenizer, CaptionCorpus corpus)
    {
        var classesOfWord = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var entry in corpus.Entries)
            foreach (var word in WordTokenizer.Words(entry.Caption))
            {
                if (!classesOfWord.TryGetValue(word, out var set)) classesOfWord[word] = set = [];
                set.Add(entry.Label);
            }
        var table = new int[tokenizer.VocabularySize];
        Array.Fill(table, corpus.NumClasses);
        foreach (var (word, classes) in classesOfWord)
            if (classes.Count == 1)
            {
                long id = tokenizer.IdOf(word);
                if (id == WordTokenizer.UnknownId)
                    throw new ArgumentException($"CaptionClasses: the class word '{word}' of {corpus} is not in the tokenizer's vocabulary");
                table[id] = classes.First();
            }
        foreach (var entry in corpus.Entries)
            if (!WordTokenizer.Words(entry.Caption).Any(w => table[tokenizer.IdOf(w)] == entry.Label))
                throw new ArgumentException($"CaptionClasses: caption '{entry.Caption}' (class {entry.Label}) of {corpus} has no word that names its class alone");
        return table;
    }
}
