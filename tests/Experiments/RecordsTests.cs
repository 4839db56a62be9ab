using RandCond.Cli.Lab;
using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Experiments;
using RandCond.Tensors;
using RandCond.Tests.Malformed;
using Xunit;

namespace RandCond.Tests.Labs;

/// <summary>Where runs write (never into tracked files unless asked) and what their records say about the machine.</summary>
public class RecordsTests
{
    private static string Cli => Path.Combine(AppContext.BaseDirectory, "randcond.dll");

    [Fact]
    public void A_lab_verb_run_in_the_repository_leaves_git_status_unchanged_and_writes_its_record_under_cache()
    {
        var root = RepoPaths.RequireRoot();
        var before = Git(root, "status", "--porcelain");
        var record = RepoPaths.Cache("results", "toy-overlap.json");
        var started = DateTime.UtcNow.AddSeconds(-1);

        var run = ChildProcess.Run(ChildProcess.Dotnet, [Cli, "toy-overlap", "--points", "20", "--png", "false"], TimeSpan.FromMinutes(3), root);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(before, Git(root, "status", "--porcelain"));
        Assert.True(File.GetLastWriteTimeUtc(record) >= started, $"{record} was not written by this run");
        var json = JsonNode.Parse(File.ReadAllText(record))!.AsObject();
        var command = (string)json["command"]!;
        Assert.Contains("<repo>/tests/bin/", command);
        Assert.DoesNotContain(root + "/", command);
        Assert.False(json.ContainsKey("host"));
    }

    [Fact]
    public void Record_writes_into_the_repositorys_results_and_out_into_the_folder_given()
    {
        var home = Directory.CreateTempSubdirectory("randcond-record-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(home, "RandCond.Lib.csproj"), "");
            var env = new Dictionary<string, string> { ["RANDCOND_HOME"] = home };

            var recorded = ChildProcess.Run(ChildProcess.Dotnet, [Cli, "toy-overlap", "--points", "20", "--png", "false", "--record"], TimeSpan.FromMinutes(3), home, env);
            Assert.True(recorded.ExitCode == 0, recorded.Stderr);
            Assert.True(File.Exists(Path.Combine(home, "results", "toy-overlap.json")));
            Assert.True(File.Exists(Path.Combine(home, "results", "toy-overlap.html")));
            Assert.False(Directory.Exists(Path.Combine(home, ".cache", "results")));

            var folder = Path.Combine(home, "figures", "fig5");
            var given = ChildProcess.Run(ChildProcess.Dotnet, [Cli, "toy-overlap", "--points", "20", "--png", "false", "--out", folder], TimeSpan.FromMinutes(3), home, env);
            Assert.True(given.ExitCode == 0, given.Stderr);
            Assert.True(File.Exists(Path.Combine(folder, "toy-overlap.json")));
            Assert.False(Directory.Exists(Path.Combine(home, ".cache", "results")));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void Record_and_out_together_are_refused_in_one_line()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, LabCommands.Run(["toy-overlap", "--record", "--out", "/tmp/x"], TextWriter.Null, stderr));
        var line = Assert.Single(stderr.ToString().TrimEnd().Split('\n'));
        Assert.Contains("--record and --out", line);
    }

    [Fact]
    public void Outputs_go_under_cache_by_default_and_to_results_and_data_only_when_recording()
    {
        Assert.Equal(RepoPaths.Cache("results"), RepoPaths.ResultsFor("quick"));
        Assert.Equal(RepoPaths.Cache("results"), RepoPaths.ResultsFor("paper"));
        Assert.Equal(RepoPaths.Cache("smoke-results"), RepoPaths.ResultsFor("smoke"));
        Assert.Equal(RepoPaths.Cache("teachers"), RepoPaths.TeachersOut());
        Assert.Equal(RepoPaths.Cache("classifiers"), RepoPaths.ClassifiersOut());
        using (RepoPaths.Recording())
        {
            Assert.True(RepoPaths.IsRecording);
            Assert.Equal(RepoPaths.Results(), RepoPaths.ResultsFor("paper"));
            Assert.Equal(RepoPaths.Data("teachers"), RepoPaths.TeachersOut());
            Assert.Equal(RepoPaths.Data("classifiers"), RepoPaths.ClassifiersOut());
        }
        Assert.False(RepoPaths.IsRecording);
        var folder = Path.Combine(Path.GetTempPath(), "randcond-out-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (RepoPaths.WritingTo(folder))
            {
                Assert.Equal(folder, RepoPaths.ResultsFor("quick"));
                Assert.Equal(folder, RepoPaths.TeachersOut());
            }
            Assert.Equal(RepoPaths.Cache("results"), RepoPaths.ResultsOut());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_records_command_names_the_repository_and_home_by_placeholder_and_its_header_has_no_host()
    {
        const string repo = "/srv/ann/RandCond", home = "/home/ann";
        Assert.Equal("dotnet <repo>/lab/bin/randcond-lab.dll --teacher ~/teachers/t.safetensors --x=<repo>",
            RunRecord.Portable($"dotnet {repo}/lab/bin/randcond-lab.dll --teacher {home}/teachers/t.safetensors --x={repo}", repo, home));
        Assert.Equal("/home/anna/x /x/home/ann/y", RunRecord.Portable("/home/anna/x /x/home/ann/y", repo, home));
        var header = RunRecord.Header("probe", Device.CPU);
        Assert.False(header.ContainsKey("host"));
        Assert.DoesNotContain(RepoPaths.RequireRoot() + "/", (string)header["command"]!);
    }

    [Fact]
    public void A_records_command_names_the_launcher_that_ran_the_program()
    {
        const string args = "/r/.gpu/lab/randcond-lab.dll held-out-digit --device cuda";
        Assert.Equal("/r/.gpu/lab/randcond-lab held-out-digit --device cuda", RunRecord.Launched(args, "/r/.gpu/lab/randcond-lab"));
        Assert.Equal("dotnet " + args, RunRecord.Launched(args, "/usr/lib/dotnet/dotnet"));
        Assert.Equal("/opt/x/randcond-lab", RunRecord.Launched("/opt/x/randcond-lab.dll", "/opt/x/randcond-lab"));
        Assert.Equal("\"/a b/lab\" --x", RunRecord.Launched("\"/a b/lab.dll\" --x", "/a b/lab"));
        Assert.Equal("python3 x.py", RunRecord.Launched("python3 x.py", "/usr/bin/python3"));   // not a .NET entry assembly: left as it is
        Assert.Equal(args, RunRecord.Launched(args, null));
    }

    private static string Git(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return text;
    }
}
