namespace RandCond.Notebooks.Parameters;

/// <summary>An override that cannot be applied: unknown name, unparsable value, or no parameters cell.</summary>
public sealed class NotebookParameterException(string message) : Exception(message);
