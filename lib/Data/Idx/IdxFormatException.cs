namespace RandCond.Data;

/// <summary>An IDX file (MNIST's format) that does not match its header or the expected contents.</summary>
public sealed class IdxFormatException : Exception
{
    public IdxFormatException(string path, string field, string problem, Exception? inner = null)
        : base($"{path}: {field}: {problem}", inner)
    {
        Path = path;
        Field = field;
    }

    /// <summary>The file that is wrong.</summary>
    public string Path { get; }

    /// <summary>The part of the file that is wrong: "magic number", "dimension 1", "data", ...</summary>
    public string Field { get; }
}
