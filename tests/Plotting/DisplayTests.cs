using System.Reflection;
using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

/// <summary>Checks the .NET Interactive convention the way a host finds it: by attribute name and member names, through reflection.</summary>
public class DisplayTests
{
    [Theory]
    [InlineData(typeof(Figure), "text/html")]
    [InlineData(typeof(Table), "text/html")]
    [InlineData(typeof(Table), "text/markdown")]
    [InlineData(typeof(Table), "text/plain")]
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
        Assert.Equal(new[] { "text/html", "image/png" }, (string[])attribute.GetType().GetProperty("PreferredMimeTypes")!.GetValue(attribute)!);
    }

    [Fact]
    public void Figure_png_formatter_renders_a_png_when_none_was_exported()
    {
        var png = FormattersOf(typeof(Figure)).Cast<ConventionFormatter>().Single(f => f.MimeType == "image/png");
        var writer = new StringWriter();
        Assert.True(png.Format(new Figure().Add(Scatter.Line(new[] { 0.0, 1 }, new[] { 1.0, 2 }, "a")), writer));
        Assert.StartsWith("iVBORw0KGgo", writer.ToString()); // base64 of the PNG signature
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

    [Fact]
    public void Table_mime_bundle_has_html_markdown_and_text()
    {
        var bundle = new Table().Column("a").AddRow("x").ToMimeBundle();
        Assert.Equal(new[] { "text/html", "text/markdown", "text/plain" }, bundle.Keys.OrderBy(k => k).ToArray());
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
        : type == typeof(Table) ? new Table().Column("a", "F1", Better.Higher).AddRow(1.0)
        : ImageGrid.FromPixels(new float[4], 1, 1, 2, 2);
}
