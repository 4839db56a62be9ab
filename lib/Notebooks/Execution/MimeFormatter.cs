using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace RandCond.Notebooks.Execution;

/// <summary>
/// Turns an object into a mime bundle (mime type → content), by convention so displayed types need no
/// reference to this library: (1) a public <c>ToMimeBundle()</c> returning string pairs; (2) an attribute named
/// <c>TypeFormatterSourceAttribute</c> (any namespace) whose Type argument has <c>CreateTypeFormatters()</c>
/// returning objects with <c>MimeType</c>, <c>Type</c> and <c>bool Format(object, TextWriter)</c> (for a type without
/// one, such attributes on loaded assemblies, whose formatters' <c>Type</c> matches);
/// (3) text/plain from ToString(). A text/plain entry is always present.
/// </summary>
public static class MimeFormatter
{
    public const string PlainText = "text/plain";

    private static readonly ConcurrentDictionary<Type, IReadOnlyList<object>> FormattersBySource = new();
    private static readonly ConcurrentDictionary<Assembly, Type[]> SourcesByAssembly = new();

    public static IReadOnlyDictionary<string, string> Format(object? value)
    {
        if (value is null) return new Dictionary<string, string> { [PlainText] = "<null>" };
        var bundle = FromToMimeBundle(value) ?? FromTypeFormatterSource(value) ?? new Dictionary<string, string>();
        if (!bundle.ContainsKey(PlainText)) bundle[PlainText] = PlainTextOf(value);
        return bundle;
    }

    private static Dictionary<string, string>? FromToMimeBundle(object value)
    {
        var method = value.GetType().GetMethod("ToMimeBundle", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (method is null || !typeof(IEnumerable<KeyValuePair<string, string>>).IsAssignableFrom(method.ReturnType))
            return null;
        var pairs = (IEnumerable<KeyValuePair<string, string>>?)Invoke(method, value, []);
        return pairs?.ToDictionary(p => p.Key, p => p.Value);
    }

    private static Dictionary<string, string>? FromTypeFormatterSource(object value)
    {
        IEnumerable<Type> sourceTypes = FindFormatterSourceType(value.GetType()) is Type own ? [own] : AssemblyFormatterSourceTypes();
        var bundle = new Dictionary<string, string>();
        foreach (var formatter in sourceTypes.SelectMany(source => FormattersBySource.GetOrAdd(source, CreateFormatters)))
        {
            var type = formatter.GetType();
            var mime = type.GetProperty("MimeType")?.GetValue(formatter) as string;
            var forType = type.GetProperty("Type")?.GetValue(formatter) as Type;
            var format = type.GetMethods().FirstOrDefault(m => m.Name == "Format"
                && m.GetParameters() is [_, var p] && p.ParameterType.IsAssignableFrom(typeof(StringWriter)));
            if (mime is null || format is null || bundle.ContainsKey(mime)) continue;
            if (forType is not null && !forType.IsInstanceOfType(value)) continue;
            var writer = new StringWriter();
            if (Invoke(format, formatter, [value, writer]) is true) bundle[mime] = writer.ToString();
        }
        return bundle.Count > 0 ? bundle : null;
    }

    private static Type? FindFormatterSourceType(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            var attribute = t.GetCustomAttributesData()
                .FirstOrDefault(a => a.AttributeType.Name == "TypeFormatterSourceAttribute");
            if (attribute?.ConstructorArguments.FirstOrDefault().Value is Type source) return source;
        }
        return null;
    }

    /// <summary>Sources named by an assembly-level attribute: formatters for types the assembly does not own (e.g. DataFrame).</summary>
    private static IEnumerable<Type> AssemblyFormatterSourceTypes() =>
        AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic).SelectMany(a => SourcesByAssembly.GetOrAdd(a, assembly =>
            assembly.GetCustomAttributesData().Where(a => a.AttributeType.Name == "TypeFormatterSourceAttribute")
                .Select(a => a.ConstructorArguments.FirstOrDefault().Value).OfType<Type>().ToArray()));

    private static IReadOnlyList<object> CreateFormatters(Type sourceType)
    {
        var source = Activator.CreateInstance(sourceType)
            ?? throw new InvalidOperationException($"cannot create formatter source {sourceType}");
        var create = sourceType.GetMethod("CreateTypeFormatters", Type.EmptyTypes)
            ?? throw new InvalidOperationException($"{sourceType} has no CreateTypeFormatters()");
        return Invoke(create, source, []) is IEnumerable formatters ? formatters.Cast<object>().ToList() : [];
    }

    private static string PlainTextOf(object value)
    {
        if (value is string or IFormattable || value is not IEnumerable items) return value.ToString() ?? "";
        const int shown = 100;
        var parts = items.Cast<object?>().Take(shown + 1).Select(i => i?.ToString() ?? "null").ToList();
        var body = string.Join(", ", parts.Take(shown)) + (parts.Count > shown ? ", ..." : "");
        return $"[{body}]";
    }

    /// <summary>Invokes by reflection, rethrowing the formatter's own exception rather than the wrapper.</summary>
    private static object? Invoke(MethodInfo method, object target, object?[] args)
    {
        try { return method.Invoke(target, args); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
