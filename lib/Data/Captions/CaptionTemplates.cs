using System.Text.RegularExpressions;

namespace RandCond.Data;

/// <summary>
/// Caption templates for one dataset, read from a small text file (data/captions/&lt;slug&gt;.txt) that a researcher
/// can edit. Sections: <c>@slots</c> (lines <c>name: value | value</c> shared by all classes), <c>@templates</c>
/// (one template per line, <c>{name}</c> stands for each value of slot <c>name</c>), and <c>@class N name</c>
/// (the slots of the class with label N; the name must match the dataset's class name). <c>{a}</c> becomes
/// "a" or "an" to fit the next word unless the class or the shared slots define a slot <c>a</c>. Lines starting
/// with <c>#</c> are comments. <see cref="Expand"/> is deterministic: templates in file order, every combination
/// of slot values (the first slot outermost), duplicates dropped.
/// </summary>
public sealed partial class CaptionTemplates
{
    private const string ArticleSlot = "a";

    private readonly Dictionary<string, string[]> sharedSlots;
    private readonly List<(string Text, int Line)> templates;
    private readonly Dictionary<string, string[]>[] classSlots;

    private CaptionTemplates(string source, Dictionary<string, string[]> sharedSlots, List<(string, int)> templates,
                             Dictionary<string, string[]>[] classSlots, string[] classNames)
    {
        Source = source;
        this.sharedSlots = sharedSlots;
        this.templates = templates;
        this.classSlots = classSlots;
        ClassNames = classNames;
    }

    /// <summary>The file (or name) the templates came from.</summary>
    public string Source { get; }

    public IReadOnlyList<string> ClassNames { get; }
    public int NumClasses => ClassNames.Count;
    public IReadOnlyList<string> Templates => templates.ConvertAll(t => t.Text);

    /// <summary>The repository's data/captions/&lt;slug&gt;.txt for <paramref name="kind"/>, checked against its class names.</summary>
    public static CaptionTemplates For(DatasetKind kind)
    {
        var repo = DatasetStore.FindRepositoryRoot()
            ?? throw new InvalidOperationException(
                $"cannot find data/captions/{kind.Slug()}.txt: no RandCond repository above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}; " +
                "load a template file with CaptionTemplates.Load(path, kind)");
        return Load(Path.Combine(repo, "data", "captions", kind.Slug() + ".txt"), kind);
    }

    /// <summary>Reads a template file; with <paramref name="kind"/>, its classes must be that dataset's, in label order.</summary>
    public static CaptionTemplates Load(string path, DatasetKind? kind = null) => Parse(File.ReadAllText(path), path, kind);

    public static CaptionTemplates Parse(string text, string source, DatasetKind? kind = null)
    {
        var shared = new Dictionary<string, string[]>();
        var templates = new List<(string, int)>();
        var classes = new List<(int Label, string Name, Dictionary<string, string[]> Slots, int Line)>();
        Dictionary<string, string[]>? slots = null;
        string? section = null;

        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            int number = i + 1;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith('@'))
            {
                var header = ClassHeader().Match(line);
                if (line == "@slots") { section = "slots"; slots = shared; }
                else if (line == "@templates") { section = "templates"; slots = null; }
                else if (header.Success)
                {
                    section = "class";
                    slots = new Dictionary<string, string[]>();
                    classes.Add((int.Parse(header.Groups[1].Value), header.Groups[2].Value.Trim(), slots, number));
                }
                else throw Error(source, number, $"unknown section '{line}': expected @slots, @templates or @class <label> <name>");
                continue;
            }
            switch (section)
            {
                case "templates":
                    if (line.TrimEnd().EndsWith("{" + ArticleSlot + "}")) throw Error(source, number, "{a} needs a word after it");
                    templates.Add((CollapseSpaces(line), number));
                    break;
                case "slots" or "class":
                    var slot = SlotLine().Match(line);
                    if (!slot.Success) throw Error(source, number, $"expected 'name: value | value | ...', got '{line}'");
                    var values = slot.Groups[2].Value.Split('|', StringSplitOptions.TrimEntries);
                    if (values.Any(v => v.Length == 0)) throw Error(source, number, $"slot '{slot.Groups[1].Value}' has an empty value");
                    if (!slots!.TryAdd(slot.Groups[1].Value, values)) throw Error(source, number, $"slot '{slot.Groups[1].Value}' is defined twice in this section");
                    break;
                default:
                    throw Error(source, number, "text before the first section (@slots, @templates or @class)");
            }
        }

        if (templates.Count == 0) throw Error(source, 0, "no templates (add lines under @templates)");
        if (classes.Count == 0) throw Error(source, 0, "no classes (add @class sections)");
        for (int c = 0; c < classes.Count; c++)
            if (classes[c].Label != c) throw Error(source, classes[c].Line, $"class {classes[c].Label} found where class {c} was expected: classes must be listed once each, in label order from 0");
        if (kind is { } k)
        {
            var expected = k.ClassNames();
            if (classes.Count != expected.Count)
                throw Error(source, 0, $"{classes.Count} classes, but {k.DisplayName()} has {expected.Count}");
            foreach (var c in classes)
                if (!string.Equals(c.Name, expected[c.Label], StringComparison.OrdinalIgnoreCase))
                    throw Error(source, c.Line, $"class {c.Label} is '{expected[c.Label]}' in {k.DisplayName()}, the file says '{c.Name}'");
        }

        var result = new CaptionTemplates(source, shared, templates, classes.Select(c => c.Slots).ToArray(), classes.Select(c => c.Name).ToArray());
        for (int c = 0; c < result.NumClasses; c++) result.Expand(c); // reports missing slots now, with their line
        return result;
    }

    /// <summary>The distinct captions of class <paramref name="label"/>, in a fixed order.</summary>
    public IReadOnlyList<string> Expand(int label)
    {
        if (label < 0 || label >= NumClasses) throw new ArgumentOutOfRangeException(nameof(label), label, $"{Source} has classes 0..{NumClasses - 1}");
        var seen = new HashSet<string>();
        var captions = new List<string>();
        foreach (var (template, line) in templates)
        {
            var names = SlotReference().Matches(template).Select(m => m.Groups[1].Value).Distinct()
                .Where(n => n != ArticleSlot || Lookup(label, n) is not null).ToArray();
            var values = names.Select(n => Lookup(label, n)
                ?? throw Error(Source, line, $"slot '{n}' is defined neither under @slots nor for class {label} ({ClassNames[label]})")).ToArray();
            foreach (var caption in Combinations(template, names, values))
                if (seen.Add(caption)) captions.Add(caption);
        }
        return captions;
    }

    /// <summary>Every class's captions, by label.</summary>
    public IReadOnlyList<IReadOnlyList<string>> ExpandAll() => Enumerable.Range(0, NumClasses).Select(Expand).ToArray();

    private string[]? Lookup(int label, string slot) =>
        classSlots[label].TryGetValue(slot, out var own) ? own : sharedSlots.TryGetValue(slot, out var shared) ? shared : null;

    private static IEnumerable<string> Combinations(string template, string[] names, string[][] values)
    {
        var choice = new int[names.Length];
        while (true)
        {
            var text = template;
            for (int s = 0; s < names.Length; s++) text = text.Replace("{" + names[s] + "}", values[s][choice[s]]);
            yield return CollapseSpaces(FitArticles(text));
            int k = names.Length - 1;
            while (k >= 0 && ++choice[k] == values[k].Length) choice[k--] = 0;
            if (k < 0) yield break;
        }
    }

    private static string FitArticles(string text) =>
        AutoArticle().Replace(text, m => (StartsWithVowelSound(m.Groups[2].Value) ? "an" : "a") + m.Groups[1].Value + m.Groups[2].Value);

    // Spelling rule with the exceptions our captions can meet: "an 8", "an eight", "a one", "a uniform".
    private static bool StartsWithVowelSound(string word)
    {
        var w = word.ToLowerInvariant();
        if (w.StartsWith("one") || w.StartsWith("uni") || w.StartsWith("use") || w.StartsWith("eu")) return false;
        return w.Length > 0 && ("aeiou8".Contains(w[0]) || w.StartsWith("11") || w.StartsWith("18"));
    }

    private static string CollapseSpaces(string text) => Spaces().Replace(text.Trim(), " ");

    private static FormatException Error(string source, int line, string problem) =>
        new(line > 0 ? $"{source}:{line}: {problem}" : $"{source}: {problem}");

    [GeneratedRegex(@"^@class\s+(\d+)\s+(.+)$")]
    private static partial Regex ClassHeader();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$")]
    private static partial Regex SlotLine();

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex SlotReference();

    [GeneratedRegex(@"\{a\}(\s+)(\S+)")]
    private static partial Regex AutoArticle();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
