using RandCond.Notebooks.Running;

namespace RandCond.Cli;

/// <summary>
/// Where `run` and `run-all` write: executed notebooks as FOLDER/NAME.ipynb and their exports in FOLDER/exports, so
/// committed notebooks and results/ stay as they are. FOLDER is --out, by default .cache/notebooks of the repository
/// holding the notebook. --in-place writes the notebooks back and lets them export where they say (their outDir).
/// Every notebook's records name <see cref="Commit"/>, the tree as the command found it.
/// </summary>
public sealed record RunOutputFolder(string? Folder, string Commit)
{
    public const string ExportsSubfolder = "exports";

    public static RunOutputFolder For(NotebookRunSettings arguments, string notebookOrFolder) =>
        new(arguments.InPlace ? null : Path.GetFullPath(arguments.Out ?? DefaultFolder(notebookOrFolder)), RandCond.Experiments.RunRecord.Commit());

    public NotebookRunOptions OptionsFor(string notebook, TimeSpan? cellTimeout) => Folder is null
        ? new NotebookRunOptions { CellTimeout = cellTimeout, InlinePlotlyJs = false, Commit = Commit } // committed: small, charts as PNG until re-run
        : new NotebookRunOptions
        {
            OutPath = Path.Combine(Folder, Path.GetFileName(notebook)),
            ExportsFolder = Path.Combine(Folder, ExportsSubfolder),
            CellTimeout = cellTimeout,
            Commit = Commit,
        };

    /// <summary>.cache/notebooks of the repository above the notebook (or above the current folder).</summary>
    private static string DefaultFolder(string notebookOrFolder)
    {
        var start = Path.GetFullPath(notebookOrFolder);
        foreach (var from in new[] { start, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RandCond.Lib.csproj")))
                    return Path.Combine(dir.FullName, ".cache", "notebooks");
        return Path.Combine(Environment.CurrentDirectory, ".cache", "notebooks");
    }
}
