using System.Reflection;
using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

/// <summary>Checks the .NET Interactive convention the way a host finds it: by attribute name and member names, through reflection.</summary>
public class DisplayTests
{
    [Theory]
    [InlineData(typeof(ImageGrid), "image/png")]
    [InlineData(typeof(ImageGrid), "text/html")]
    public void Types_carry_a_convention_formatter(Type type, string mimeType)
    {
        var formatter = FormattersOf(type).Single(f => (string)f.GetType().GetProperty("MimeType")!.GetValue(f)! == mimeType);
        Assert.Equal(type, (Type)formatter.GetType().GetProperty("Type")!.GetValue(formatter)!);
        var format = formatter.GetType().GetMethod("Format", new[] { typeof(object), typeof(TextWriter) })!;
        Assert.Equal(typeof(bool), format.ReturnType);

        var writer = new StringWriter();
        Assert.True((bool)format.Invoke(formatter, new object[] { Instance(type), writer })!);
        Assert.NotEmpty(writer.ToString());
    }

    private static IEnumerable<object> FormattersOf(Type type)
    {
        var attribute = type.GetCustomAttributes().Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        var sourceType = (Type)attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute)!;
        var source = Activator.CreateInstance(sourceType)!;
        return (IEnumerable<object>)sourceType.GetMethod("CreateTypeFormatters")!.Invoke(source, null)!;
    }

    private static object Instance(Type type) => ImageGrid.FromPixels(new float[4], 1, 1, 2, 2);
}
