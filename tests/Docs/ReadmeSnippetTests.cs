using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using RandCond.Experiments;
using RandCond.Notebooks.Execution;

namespace RandCond.Tests.Docs;

/// <summary>The README's C# examples compile against the library, as a notebook cell would (Roslyn scripting).</summary>
public sealed class ReadmeSnippetTests
{
    /// <summary>A ```csharp block: the README line its code starts on, and the code.</summary>
    public sealed record Snippet(int FirstLine, string Code);

    public static IReadOnlyList<Snippet> CSharpBlocks(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var blocks = new List<Snippet>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp") continue;
            int end = i + 1;
            while (end < lines.Length && lines[end].Trim() != "```") end++;
            if (end == lines.Length) throw new InvalidDataException($"README.md line {i + 1}: a ```csharp block is never closed");
            blocks.Add(new Snippet(i + 2, string.Join("\n", lines[(i + 1)..end])));
            i = end;
        }
        return blocks;
    }

    /// <summary>Compiles a block as a notebook cell (the library referenced, the cell imports) and returns its errors, each naming its README line.</summary>
    public static IReadOnlyList<string> CompileErrors(Snippet snippet)
    {
        var options = ScriptOptions.Default
            .AddReferences(typeof(RepoPaths).Assembly, typeof(Plotly.NET.GenericChart).Assembly, typeof(Microsoft.Data.Analysis.DataFrame).Assembly)
            .AddImports("System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Threading.Tasks");
        var script = CSharpScript.Create(snippet.Code, options, typeof(CellGlobals));
        return script.Compile()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"README.md line {snippet.FirstLine + d.Location.GetLineSpan().StartLinePosition.Line}: {d.Id}: {d.GetMessage()}")
            .ToList();
    }

    private static string Readme => File.ReadAllText(Path.Combine(RepoPaths.RequireRoot(), "README.md"));

    [Fact]
    public void Every_csharp_block_of_the_readme_compiles_against_the_library()
    {
        var blocks = CSharpBlocks(Readme);

        Assert.True(blocks.Count >= 2, $"README.md has {blocks.Count} csharp blocks; the API tour has at least two");
        var errors = blocks.SelectMany(CompileErrors).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void A_block_that_does_not_compile_is_named_by_its_readme_line()
    {
        const string markdown = "# T\n\ntext\n```csharp\nusing RandCond.Tensors;\nvar x = Torch.Zeros([2]);\nvar y = x.NoSuchMethod();\n```\nmore\n```bash\nnot c#\n```\n";

        var blocks = CSharpBlocks(markdown);

        var block = Assert.Single(blocks);
        Assert.Equal(5, block.FirstLine);
        var error = Assert.Single(CompileErrors(block));
        Assert.StartsWith("README.md line 7: CS1061", error);
    }

    [Fact]
    public void An_unclosed_block_is_an_error()
    {
        var e = Assert.Throws<InvalidDataException>(() => CSharpBlocks("a\n```csharp\nvar x = 1;\n"));
        Assert.Contains("line 2", e.Message);
    }
}
