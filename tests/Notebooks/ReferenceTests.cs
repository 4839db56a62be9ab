using Xunit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RandCond.Notebooks;
using RandCond.Notebooks.Running;

namespace RandCond.Tests.Notebooks;

public class ReferenceTests
{
    /// <summary>Compiles a small library to <paramref name="dllPath"/> with Roslyn.</summary>
    private static void CompileLibrary(string dllPath, string assemblyName, string source)
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = new[] { "System.Private.CoreLib.dll", "System.Runtime.dll", "System.Collections.dll" }
            .Select(name => MetadataReference.CreateFromFile(Path.Combine(frameworkDir, name)));
        var compilation = CSharpCompilation.Create(assemblyName,
            [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Directory.CreateDirectory(Path.GetDirectoryName(dllPath)!);
        var emitted = compilation.Emit(dllPath);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
    }

    [Fact]
    public void Hash_r_resolves_a_dll_relative_to_the_notebook_folder()
    {
        using var temp = new TempFolder();
        var assemblyName = "TinyLib" + Guid.NewGuid().ToString("N")[..6];
        CompileLibrary(temp.Combine("bin/" + assemblyName + ".dll"), assemblyName, """
            using System.Collections.Generic;
            namespace Tiny;
            public static class Greeter { public static string Hello(string name) => "hello " + name; }
            public sealed class Swatch
            {
                public IReadOnlyDictionary<string, string> ToMimeBundle() =>
                    new Dictionary<string, string> { ["text/html"] = "<div style=\"background:red\"></div>" };
            }
            """);
        File.WriteAllText(temp.Combine("helpers.csx"), "int Triple(int x) => 3 * x;\n");
        var path = NotebookRunnerTests.WriteNotebook(temp.Combine("uses-dll.ipynb"),
            $"#r \"bin/{assemblyName}.dll\"\n#load \"helpers.csx\"",
            "using Tiny;\ndisplay(new Swatch());\nGreeter.Hello(\"rc\") + Triple(2)",
            "File.Exists(RandCond.Notebooks.NotebookPaths.Resolve(\"helpers.csx\"))");

        var result = NotebookRunner.Run(path);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        var outputs = NotebookFile.Read(path).Cells[1].Outputs;
        Assert.Equal("<div style=\"background:red\"></div>", (string?)outputs[0]!["data"]!["text/html"]![0]);
        Assert.Equal("hello rc6", (string?)outputs[1]!["data"]!["text/plain"]![0]);
        Assert.Equal("True", (string?)NotebookFile.Read(path).Cells[2].Outputs[0]!["data"]!["text/plain"]![0]);
    }

    [Fact]
    public void Hash_r_of_a_missing_dll_is_a_compile_error()
    {
        using var temp = new TempFolder();
        var path = NotebookRunnerTests.WriteNotebook(temp.Combine("missing.ipynb"), "#r \"nowhere/Missing.dll\"");

        var result = NotebookRunner.Run(path);

        Assert.Equal(0, result.Failure!.CellIndex);
        Assert.Contains("Missing.dll", result.Failure.Message);
        Assert.StartsWith("(1,1): error CS0006", result.Failure.Message);
    }
}
