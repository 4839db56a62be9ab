namespace RandCond.Notebooks;

/// <summary>
/// A file that is not a readable nbformat 4 notebook. The message names the file, the JSON path of the offending
/// value when there is one (e.g. <c>$.cells[2].metadata.tags</c>), and the problem.
/// </summary>
public sealed class NotebookFormatException : Exception
{
    public NotebookFormatException(string fileName, string problem, Exception? inner = null)
        : this(fileName, null, problem, inner)
    {
    }

    public NotebookFormatException(string fileName, string? jsonPath, string problem, Exception? inner = null)
        : base(jsonPath is null ? $"{fileName}: {problem}" : $"{fileName}: {jsonPath}: {problem}", inner)
    {
        FileName = fileName;
        JsonPath = jsonPath;
        Problem = problem;
    }

    public string FileName { get; }

    /// <summary>Where in the JSON the problem is, "$" for the whole document; null when the file is not JSON at all.</summary>
    public string? JsonPath { get; }

    public string Problem { get; }
}
