namespace RandCond.Notebooks;

/// <summary>A file that is not a readable nbformat 4 notebook. The message names the file and the problem.</summary>
public sealed class NotebookFormatException : Exception
{
    public NotebookFormatException(string fileName, string problem, Exception? inner = null)
        : base($"{fileName}: {problem}", inner)
    {
        FileName = fileName;
        Problem = problem;
    }

    public string FileName { get; }
    public string Problem { get; }
}
