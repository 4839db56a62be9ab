using System.Reflection;

namespace RandCond.Notebooks.Execution;

public sealed class CellExecutorOptions
{
    /// <summary>Folder that relative <c>#r</c> and <c>#load</c> paths are resolved against (a notebook's folder).</summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Assemblies cells can use without <c>#r</c>, in addition to the default framework set.</summary>
    public IReadOnlyList<Assembly> References { get; init; } = [];

    /// <summary>Namespaces imported in every cell, in addition to the defaults (System, System.Linq, ...).</summary>
    public IReadOnlyList<string> Imports { get; init; } = [];
}
