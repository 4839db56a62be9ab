namespace RandCond.Experiments;

/// <summary>
/// Where the project's own files are: the repository root (found by walking up from the current directory, then from
/// the program, then from this library's assembly, to the folder holding RandCond.Lib.csproj), or $RANDCOND_HOME.
/// Where a run writes: under .cache/ by default, so that running something never rewrites a tracked file; into
/// results/ and data/ only inside <see cref="Recording"/> (the lab verbs' --record), or into one folder inside
/// <see cref="WritingTo"/> (their --out).
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string?> root = new(Find);

    // Per logical call (AsyncLocal), so that concurrent runs in one process (tests, a kernel) do not see each other's choice.
    private static readonly AsyncLocal<OutputChoice?> output = new();

    private sealed record OutputChoice(string? Folder);

    public static string? Root => root.Value;

    public static string RequireRoot() => Root ?? throw new DirectoryNotFoundException(
        "RandCond: cannot find the repository (a folder holding RandCond.Lib.csproj) above the current directory or " +
        "the program; run from inside the repository or set RANDCOND_HOME.");

    /// <summary>The committed data/ folder: read teachers, classifiers and manifests from here.</summary>
    public static string Data(params string[] parts) => Path.Combine([RequireRoot(), "data", .. parts]);

    /// <summary>The committed results/ folder: read recorded results from here; write through <see cref="ResultsFor"/>.</summary>
    public static string Results(params string[] parts) => Path.Combine([RequireRoot(), "results", .. parts]);

    /// <summary>Machine-local, ignored by git: datasets, image sets, checkpoints, the run store, outputs of runs.</summary>
    public static string Cache(params string[] parts) => Path.Combine([RequireRoot(), ".cache", .. parts]);

    /// <summary>Until disposed, runs on this logical call write committed outputs: records to results/, models to data/.</summary>
    public static IDisposable Recording() => Use(new OutputChoice(Folder: null));

    /// <summary>Until disposed, runs on this logical call write every record, figure and model into <paramref name="folder"/>.</summary>
    public static IDisposable WritingTo(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new ArgumentException("the output folder is empty", nameof(folder));
        if (File.Exists(folder)) throw new ArgumentException($"the output folder '{folder}' is a file", nameof(folder));
        return Use(new OutputChoice(Path.GetFullPath(folder)));
    }

    /// <summary>True inside <see cref="Recording"/>.</summary>
    public static bool IsRecording => output.Value is { Folder: null };

    /// <summary>
    /// Where an experiment at the named scale writes its records: results/ when recording, the --out folder when given,
    /// else .cache/results (.cache/smoke-results for the smoke scale, which checks the machinery and whose numbers mean
    /// nothing). The folder exists on return.
    /// </summary>
    public static string ResultsFor(string scale) =>
        Choose(Results(), Cache(scale == "smoke" ? "smoke-results" : "results"));

    /// <summary>Where a verb without a scale (training, quickstart, closed-form figures) writes its records: as a non-smoke scale.</summary>
    public static string ResultsOut() => Choose(Results(), Cache("results"));

    /// <summary>Where a trained teacher goes: data/teachers when recording, the --out folder, else .cache/teachers.</summary>
    public static string TeachersOut() => Choose(Data("teachers"), Cache("teachers"));

    /// <summary>Where a trained classifier and its feature statistics go: data/classifiers when recording, the --out folder, else .cache/classifiers.</summary>
    public static string ClassifiersOut() => Choose(Data("classifiers"), Cache("classifiers"));

    /// <summary>Where fitted attribute bins go: data/attributes when recording, the --out folder, else .cache/attributes.</summary>
    public static string AttributesOut() => Choose(Data("attributes"), Cache("attributes"));

    private static string Choose(string committed, string cache)
    {
        var folder = output.Value switch
        {
            null => cache,
            { Folder: null } => committed,
            { Folder: var given } => given,
        };
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static IDisposable Use(OutputChoice choice)
    {
        var previous = output.Value;
        output.Value = choice;
        return new Restore(() => output.Value = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        private Action? pending = restore;

        public void Dispose()
        {
            pending?.Invoke();
            pending = null;
        }
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("RANDCOND_HOME");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        // This assembly's folder finds the repository that built it from a program outside it (e.g. .NET Interactive).
        var assemblyFolder = Path.GetDirectoryName(typeof(RepoPaths).Assembly.Location);
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, assemblyFolder }.OfType<string>().Where(s => s.Length > 0))
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RandCond.Lib.csproj"))) return dir.FullName;
        return null;
    }
}
