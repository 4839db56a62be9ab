using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using RandCond.Kernel;
using RandCond.Notebooks;
using RandCond.Notebooks.Parameters;
using RandCond.Notebooks.Running;

namespace RandCond.Tests.Notebooks;

/// <summary>
/// The notebooks in notebooks/: each runs at smoke scale through the headless runner (exports to a temp folder, the
/// committed file untouched), every cell succeeds and the outputs it is there for exist; and each committed file is in
/// the format DESIGN.md asks for, with outputs from a real run.
/// </summary>
public class NotebookSuiteTests
{
    private sealed record Expected(string[] Files, string[] OutputMimeTypes, string[] HtmlContains);

    /// <summary>What each notebook must produce. A notebook added to notebooks/ without an entry here fails the suite.</summary>
    private static readonly Dictionary<string, Expected> Expectations = new()
    {
        ["00-quickstart.ipynb"] = new(["00-quickstart-samples.png", "00-quickstart-accuracy.md"],
                                      ["image/png", "text/html", "text/markdown"], ["randcond-table", "per-condition accuracy"]),
        ["01-toy-overlap.ipynb"] = new(["01-toy-overlap.md", "01-toy-overlap.csv", "01-toy-overlap.tex", "01-toy-overlap-slider.html", "01-toy-overlap-slider.png",
                                        "01-toy-overlap-curve.png", "01-toy-overlap-curve.html", "01-toy-overlap-panels.png"],
                                       ["image/png", "text/html", "text/markdown"], ["randcond-table", "\"sliders\"", "\"frames\""]),
        ["02-altered-conditioning.ipynb"] = new(["02-altered-conditioning.md", "02-altered-conditioning.csv", "02-altered-conditioning.tex",
                                                 "02-altered-conditioning-curve.png", "02-altered-conditioning-curve.html", "02-altered-conditioning-examples.png",
                                                 "02-altered-conditioning-paper.md"],
                                                ["image/png", "text/html", "text/markdown"], ["randcond-table", "follows new caption", "Altered conditioning"]),
        ["04-distillation-table.ipynb"] = new(["04-distillation-table.md", "04-distillation-table.tex", "04-distillation-table-fd.png", "04-distillation-table-paper.md"],
                                              ["image/png", "text/html"], ["randcond-table", "FD"]),
        ["05-unseen-concepts.ipynb"] = new(["05-unseen-concepts.md", "05-unseen-concepts.tex", "05-unseen-concepts-fd.png", "05-unseen-concepts-paper.md"],
                                           ["image/png", "text/html"], ["randcond-table", "FD footwear"]),
        ["03-held-out-digit.ipynb"] = new(["03-replacement-probability.png", "03-held-out-digit.md", "03-held-out-digit.tex",
                                           "03-held-out-digit-samples.png", "03-held-out-digit-loss.png", "03-held-out-digit-paper.md"],
                                          ["image/png", "text/html"], ["randcond-table", "held-out digit"]),
        ["07-sfddm.ipynb"] = new(["07-sfddm-schedule.png", "07-sfddm-loss.png", "07-sfddm.md", "07-sfddm.tex", "07-sfddm-fd.png", "07-sfddm-samples.png", "07-sfddm-mnist-paper.md",
                                  "07-sfddm-mnist-paper-noclip.md", "07-sfddm-mnist-paper-t100-50-20-10-5.md", "07-sfddm-fashion-mnist-paper-t100-50-20-10-5.md"],
                                 ["image/png", "text/html"], ["randcond-table", "SFDDM on fashion-mnist, paper scale"]),
        ["08-codi.ipynb"] = new(["08-codi.md", "08-codi.tex", "08-codi-fd.png", "08-codi-psnr.png", "08-codi-samples.png",
                                 .. new[] { "mnist-sr7-paper", "fashion-mnist-sr7-paper", "mnist-sr14-paper", "mnist-inpaint-paper", "fashion-mnist-sr14-paper",
                                            "fashion-mnist-inpaint-paper", "mnist-sr14-paper-2000x128", "mnist-sr14-paper-bb0.3", "mnist-sr14-paper-bb1",
                                            "mnist-sr7-paper-ema0.999", "mnist-sr7-paper-ema0.99",
                                            "mnist-sr7-paper-ema0.95", "mnist-sr7-paper-gate1-ema0.999", "fashion-mnist-sr7-paper-ema0.999",
                                            "mnist-sr7-paper-1800x128-gate1-ema0.999", "mnist-sr14-paper-gate1-ema0.999",
                                            "mnist-inpaint-paper-gate1-ema0.999" }.Select(run => $"08-codi-{run}.md")],
                                ["image/png", "text/html"], ["randcond-table", "PSNR"]),
        ["09-compositional.ipynb"] = new(["09-compositional-image-set.png", "09-compositional.md", "09-compositional.tex", "09-compositional-unseen.png",
                                          "09-compositional-samples.png", "09-compositional-runs.md"],
                                         ["image/png", "text/html", "text/markdown"], ["randcond-table", "D lacks", "thick slanted", "thickness median"]),
        ["06-ablations.ipynb"] = new(["06-replacement-families.png",
                                      .. new[] { "family-random", "family-teacher", "images", "captions" }.SelectMany(study =>
                                          new[] { $"06-ablation-{study}.md", $"06-ablation-{study}.tex", $"06-ablation-{study}.png" })],
                                     ["image/png", "text/html", "text/markdown"], ["randcond-table", "held-out digit 3", "FD footwear", "|C|"]),
    };

    public static string Folder { get; } = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "notebooks"));

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Folder, "*.ipynb").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void The_folder_holds_the_numbered_notebooks()
    {
        Assert.Equal(Expectations.Keys.Order(StringComparer.Ordinal),
                     Directory.GetFiles(Folder, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Runs_at_smoke_scale_and_makes_its_outputs(string name)
    {
        Assert.True(Expectations.TryGetValue(name, out var expected), $"{name}: add its expected outputs to {nameof(Expectations)}");
        using var temp = new TempFolder();
        var source = Path.Combine(Folder, name);
        var before = File.ReadAllBytes(source);
        var outPath = temp.Combine(name);
        var exports = temp.Combine("exports");

        // As `randcond run` does by default: the executed notebook and its exports go to a folder of their own.
        var result = NotebookRunner.RunAsync(source, [new("scale", "smoke")],
            new NotebookRunOptions { OutPath = outPath, ExportsFolder = exports }).GetAwaiter().GetResult();

        Assert.True(result.Succeeded, $"{name}: {result.Failure}");
        Assert.Equal(before, File.ReadAllBytes(source));
        var notebook = NotebookFile.Read(outPath);
        var code = notebook.CodeCells.ToList();
        Assert.All(code, cell => Assert.Equal("ok", (string?)cell.Metadata[NotebookRunner.MetadataKey]?["status"]));
        Assert.Contains("string scale = \"smoke\"", code.Single(c => c.HasTag(ParameterInjector.InjectedTag)).Source);
        Assert.Contains($"string outDir = \"{exports}\"", code.Single(c => c.HasTag(ParameterInjector.InjectedTag)).Source);
        var outputs = code.SelectMany(c => c.Outputs.OfType<JsonObject>()).ToList();
        Assert.Contains(outputs, o => Text(o).Contains("scale smoke on "));
        Assert.DoesNotContain(outputs, o => (string?)o["output_type"] == "error");
        var mimeTypes = outputs.Select(o => o["data"]).OfType<JsonObject>().SelectMany(d => d.Select(kv => kv.Key)).ToHashSet();
        foreach (var mime in expected.OutputMimeTypes) Assert.Contains(mime, mimeTypes);
        var html = string.Concat(outputs.Select(o => o["data"]?["text/html"]).Where(h => h is not null).Select(Joined));
        foreach (var fragment in expected.HtmlContains) Assert.Contains(fragment, html);
        foreach (var file in expected.Files)
        {
            var path = Path.Combine(exports, file);
            Assert.True(File.Exists(path), $"{name} did not write {file}");
            Assert.True(new FileInfo(path).Length > 100, $"{name}: {file} is nearly empty");
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Is_a_Polyglot_notebook_committed_with_outputs_of_a_real_run(string name)
    {
        var notebook = NotebookFile.Read(Path.Combine(Folder, name));
        Assert.Equal((4, 5), (notebook.NbFormat, notebook.NbFormatMinor));
        Assert.Equal(KernelSpec.Name, (string?)notebook.Metadata["kernelspec"]?["name"]);
        Assert.Equal("csharp", (string?)notebook.Metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]);
        var code = notebook.CodeCells.ToList();
        Assert.All(code, cell => Assert.Equal("csharp", (string?)cell.Metadata["dotnet_interactive"]?["language"]));
        Assert.All(notebook.Cells, cell => Assert.False(string.IsNullOrEmpty(cell.Id)));
        Assert.StartsWith("#r \"../bin/Release/net10.0/RandCond.Lib.dll\"", code[0].Source);
        Assert.Contains("string scale = ", Assert.Single(code, c => c.HasTag(ParameterInjector.ParametersTag)).Source);
        Assert.All(code, cell => Assert.Equal("ok", (string?)cell.Metadata[NotebookRunner.MetadataKey]?["status"]));
        var text = string.Concat(code.SelectMany(c => c.Outputs.OfType<JsonObject>()).Select(Text));
        Assert.Matches(@"scale (quick|paper) on .+, \d{4}-\d\d-\d\d \d\d:\d\d UTC", text);
    }

    private static string Text(JsonObject output) => Joined(output["text"]);

    /// <summary>nbformat stores text as a string or a list of lines.</summary>
    private static string Joined(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue value => (string?)value ?? "",
        _ => "",
    };

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
