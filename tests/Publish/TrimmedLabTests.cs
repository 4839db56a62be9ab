using System.Text.Json.Nodes;
using RandCond.Experiments;
using RandCond.Tests.Malformed;
using Xunit.Abstractions;

namespace RandCond.Tests.Publish;

/// <summary>
/// The trimmed randcond-lab that scripts/gpu/pack.sh carries to a GPU machine runs its verbs to the end. Trimming drops
/// what libraries reach only by reflection (Plotly.NET's chart JSON through Newtonsoft.Json, PuppeteerSharp's DevTools
/// messages through System.Text.Json), which fails after the run's work, at its first chart export; the untrimmed build
/// does not show it.
/// </summary>
public class TrimmedLabTests(TrimmedLabFixture lab, ITestOutputHelper output) : IClassFixture<TrimmedLabFixture>
{
    private static string UntrimmedCli => Path.Combine(AppContext.BaseDirectory, "randcond.dll");

    [Fact]
    public void Toy_overlap_writes_its_record_and_the_same_figures_as_the_untrimmed_build()
    {
        output.WriteLine(lab.PublishTime is { } took ? $"published in {took.TotalSeconds:F0} s" : $"published earlier: {lab.Folder}");
        var root = RepoPaths.RequireRoot();
        var trimmedOut = Directory.CreateTempSubdirectory("randcond-trimmed-toy-").FullName;
        var untrimmedOut = Directory.CreateTempSubdirectory("randcond-untrimmed-toy-").FullName;
        try
        {
            string[] args = ["toy-overlap", "--points", "20"];
            var trimmed = ChildProcess.Run(lab.Exe, [.. args, "--out", trimmedOut], TimeSpan.FromMinutes(3), root);
            output.WriteLine($"trimmed toy-overlap: {trimmed.Duration.TotalSeconds:F1} s");
            Assert.True(trimmed.ExitCode == 0, $"exit {trimmed.ExitCode}: {trimmed.Stderr}");

            var record = JsonNode.Parse(File.ReadAllText(Path.Combine(trimmedOut, "toy-overlap.json")))!.AsObject();
            Assert.Equal(ToyOverlapLab.Timesteps.Length, record["rows"]!.AsArray().Count);
            var png = File.ReadAllBytes(Path.Combine(trimmedOut, "toy-overlap.png"));
            Assert.True(png.Length > 1000 && png.AsSpan(0, 8).SequenceEqual(PngSignature), $"toy-overlap.png is not a PNG image ({png.Length} bytes)");

            // The chart JSON is serialized by reflection: a trimmed-away property would drop silently from the figure.
            var untrimmed = ChildProcess.Run(ChildProcess.Dotnet, [UntrimmedCli, .. args, "--png", "false", "--out", untrimmedOut], TimeSpan.FromMinutes(3), root);
            Assert.True(untrimmed.ExitCode == 0, $"untrimmed exit {untrimmed.ExitCode}: {untrimmed.Stderr}");
            Assert.Equal(File.ReadAllText(Path.Combine(untrimmedOut, "toy-overlap.html")), File.ReadAllText(Path.Combine(trimmedOut, "toy-overlap.html")));
        }
        finally
        {
            Directory.Delete(trimmedOut, recursive: true);
            Directory.Delete(untrimmedOut, recursive: true);
        }
    }

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
}

/// <summary>The trimmed-lab tests publish as scripts/gpu/pack.sh does, or they would test another program.</summary>
public class TrimmedLabPublishArgumentsTests
{
    [Fact]
    public void The_pack_script_publishes_with_the_arguments_the_trimmed_lab_tests_publish_with()
    {
        var pack = File.ReadAllText(Path.Combine(RepoPaths.RequireRoot(), "scripts", "gpu", "pack.sh"));
        Assert.Contains($"dotnet publish \"$program\" {string.Join(' ', TrimmedLabFixture.PublishArguments)} ", pack);
    }
}
