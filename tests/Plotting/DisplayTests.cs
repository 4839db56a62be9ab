using System.Reflection;
using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

/// <summary>Checks the .NET Interactive convention the way a host finds it: by attribute name and member names, through reflection.</summary>
public class DisplayTests
{
    [Theory]
    [InlineData(typeof(Figure), "text/html")]
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

    [Fact]
    public void Attribute_has_the_shape_hosts_look_for()
    {
        var attribute = typeof(Figure).GetCustomAttributes().Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        Assert.Equal(typeof(FigureFormatterSource), attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute));
        Assert.Equal(new[] { "text/html" }, (string[])attribute.GetType().GetProperty("PreferredMimeTypes")!.GetValue(attribute)!);
    }

    [Fact]
    public void Figure_png_formatter_declines_until_a_png_exists()
    {
        var png = FormattersOf(typeof(Figure)).Cast<ConventionFormatter>().Single(f => f.MimeType == "image/png");
        Assert.False(png.Format(new Figure(), new StringWriter()));
    }

    [Fact]
    public void Figure_mime_bundle_has_html_and_plotly_json()
    {
        var bundle = SampleFigures.ScatterHeatmapSlider().ToMimeBundle();
        Assert.Contains(".newPlot(", bundle["text/html"]);
        Assert.Contains(PlotlyJs.NotebookSource, bundle["text/html"]);
        Assert.StartsWith("{\"data\":[", bundle[Figure.PlotlyMimeType]);
        Assert.False(bundle.ContainsKey("image/png"));
    }

    private static IEnumerable<object> FormattersOf(Type type)
    {
        var attribute = type.GetCustomAttributes().Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        var sourceType = (Type)attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute)!;
        var source = Activator.CreateInstance(sourceType)!;
        return (IEnumerable<object>)sourceType.GetMethod("CreateTypeFormatters")!.Invoke(source, null)!;
    }

    private static object Instance(Type type) =>
        type == typeof(Figure) ? SampleFigures.ScatterHeatmapSlider()
        : ImageGrid.FromPixels(new float[4], 1, 1, 2, 2);
}
