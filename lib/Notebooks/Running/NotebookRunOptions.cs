namespace RandCond.Notebooks.Running;

public sealed record NotebookRunOptions
{
    /// <summary>Where the executed notebook is written; null writes it back over the input.</summary>
    public string? OutPath { get; init; }

    /// <summary>
    /// Where the notebook's exports go: when set, a notebook whose parameters cell declares
    /// <see cref="NotebookRunner.OutDirParameter"/> gets it set to this folder, unless the overrides set it already.
    /// </summary>
    public string? ExportsFolder { get; init; }

    /// <summary>A cell running longer fails with a timeout (its worker process is killed); null waits forever.</summary>
    public TimeSpan? CellTimeout { get; init; }

    /// <summary>
    /// Whether the first chart inlines plotly.js (about 4.8 MB) so the written notebook's charts are interactive offline.
    /// Off for notebooks committed to the repository: each chart's output holds its PNG, which stays in place where no
    /// plotly.js is loaded (GitHub, a fresh Jupyter page), and re-running the cell in a kernel draws it interactively.
    /// </summary>
    public bool InlinePlotlyJs { get; init; } = true;

    /// <summary>
    /// The commit the run's records name (the worker's RANDCOND_COMMIT); null: the tree as this notebook's run starts.
    /// A run of several notebooks in place takes it once before the first, whose outputs would make the tree "+dirty".
    /// </summary>
    public string? Commit { get; init; }

    /// <summary>The randcond.dll that runs cells as `randcond __notebook-worker`; null looks beside this library.</summary>
    public string? WorkerAssembly { get; init; }
}
