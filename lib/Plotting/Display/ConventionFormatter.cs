namespace RandCond.Plotting;

/// <summary>A formatter in the shape .NET Interactive's convention expects (MimeType, Type, Format).</summary>
public sealed class ConventionFormatter
{
    private readonly Func<object, TextWriter, bool> _format;

    public ConventionFormatter(Type type, string mimeType, Func<object, TextWriter, bool> format)
    {
        Type = type;
        MimeType = mimeType;
        _format = format;
    }

    public string MimeType { get; }

    public Type Type { get; }

    /// <summary>
    /// Writes the instance in <see cref="MimeType"/>; false when it cannot. A formatter for a mime type its type lists in
    /// PreferredMimeTypes must not decline: .NET Interactive then writes an empty entry of that type.
    /// </summary>
    public bool Format(object instance, TextWriter writer) => _format(instance, writer);

    public static ConventionFormatter For<T>(string mimeType, Func<T, string?> content) =>
        new(typeof(T), mimeType, (instance, writer) =>
        {
            if (instance is not T typed) return false;
            var text = content(typed);
            if (text is null) return false;
            writer.Write(text);
            return true;
        });
}
