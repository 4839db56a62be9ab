using Xunit;
using RandCond.Notebooks.Execution;

namespace RandCond.Tests.Notebooks;

/// <summary>Shows itself through the ToMimeBundle convention.</summary>
public sealed class PngFigure
{
    public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string>
    {
        ["image/png"] = "iVBORw0KGgo=",
        ["text/html"] = "<img src=\"figure.png\">",
    };
}

/// <summary>Same name as .NET Interactive's attribute, in another namespace: matched by name only.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct)]
public sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;
}

[TypeFormatterSource(typeof(ScoreTableFormatterSource))]
public sealed class ScoreTable(params (string Name, double Score)[] rows)
{
    public IReadOnlyList<(string Name, double Score)> Rows { get; } = rows;
}

public sealed class ScoreTableFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() =>
    [
        new Formatter("text/html", w => w.Write("<table>"), t => string.Concat(t.Rows.Select(r => $"<tr><td>{r.Name}</td><td>{r.Score}</td></tr>")), w => w.Write("</table>")),
        new Formatter("text/markdown", _ => { }, t => string.Concat(t.Rows.Select(r => $"| {r.Name} | {r.Score} |\n")), _ => { }),
    ];

    public sealed class Formatter(string mimeType, Action<TextWriter> open, Func<ScoreTable, string> body, Action<TextWriter> close)
    {
        public string MimeType { get; } = mimeType;
        public Type Type => typeof(ScoreTable);

        public bool Format(object instance, TextWriter writer)
        {
            if (instance is not ScoreTable table) return false;
            open(writer);
            writer.Write(body(table));
            close(writer);
            return true;
        }
    }
}

public class RichDisplayTests
{
    private static CellExecutor NewExecutor() => new(new CellExecutorOptions
    {
        References = [typeof(RichDisplayTests).Assembly],
        Imports = ["RandCond.Tests.Notebooks"],
    });

    [Fact]
    public async Task Object_with_ToMimeBundle_is_displayed_with_its_bundle()
    {
        using var executor = NewExecutor();

        var result = await executor.ExecuteAsync("display(new PngFigure());\nnew PngFigure()");

        Assert.Equal(CellStatus.Ok, result.Status);
        var shown = Assert.IsType<DisplayDataOutput>(result.Outputs[0]).Data;
        Assert.Equal("iVBORw0KGgo=", shown["image/png"]);
        Assert.Equal("<img src=\"figure.png\">", shown["text/html"]);
        Assert.Contains("text/plain", shown.Keys);
        Assert.Equal("iVBORw0KGgo=", Assert.IsType<ExecuteResultOutput>(result.Outputs[1]).Data["image/png"]);
    }

    [Fact]
    public async Task Type_with_a_TypeFormatterSource_attribute_uses_its_formatters()
    {
        using var executor = NewExecutor();

        var result = await executor.ExecuteAsync("display(new ScoreTable((\"rc\", 0.9), (\"no-rc\", 0.4)));");

        var data = Assert.IsType<DisplayDataOutput>(Assert.Single(result.Outputs)).Data;
        Assert.Equal("<table><tr><td>rc</td><td>0.9</td></tr><tr><td>no-rc</td><td>0.4</td></tr></table>", data["text/html"]);
        Assert.Equal("| rc | 0.9 |\n| no-rc | 0.4 |\n", data["text/markdown"]);
        Assert.Equal(typeof(ScoreTable).FullName, data["text/plain"]);
    }

    [Fact]
    public void Plain_objects_fall_back_to_ToString()
    {
        Assert.Equal("3.5", MimeFormatter.Format(3.5)["text/plain"]);
        Assert.Equal("<null>", MimeFormatter.Format(null)["text/plain"]);
        Assert.Single(MimeFormatter.Format("abc"));
    }
}
