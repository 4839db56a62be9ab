namespace RandCond.Plotting;

/// <summary>
/// Names the class that creates notebook formatters for a type. .NET Interactive (and our own runner)
/// find this attribute by its name, so no package reference is needed: the formatter source has a
/// method <c>IEnumerable&lt;object&gt; CreateTypeFormatters()</c> whose items have <c>string MimeType</c>,
/// <c>Type Type</c> and <c>bool Format(object instance, TextWriter writer)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Assembly, AllowMultiple = true, Inherited = true)]
public sealed class TypeFormatterSourceAttribute : Attribute
{
    public TypeFormatterSourceAttribute(Type formatterSourceType)
    {
        FormatterSourceType = formatterSourceType;
    }

    public Type FormatterSourceType { get; }

    public string[]? PreferredMimeTypes { get; set; }
}
