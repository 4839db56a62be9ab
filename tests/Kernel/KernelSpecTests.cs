using System.Text.Json.Nodes;
using RandCond.Cli;
using RandCond.Kernel;
using Xunit;

namespace RandCond.Tests.Kernel;

public class KernelSpecTests
{
    [Fact]
    public void Kernel_install_with_a_prefix_writes_kernel_json_that_starts_this_cli()
    {
        using var sandbox = new KernelSandbox();
        var prefix = sandbox.Combine("other-prefix");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = Program.Run(["kernel", "install", "--prefix", prefix], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        var folder = Path.Combine(prefix, "share", "jupyter", "kernels", "randcond-csharp");
        Assert.Contains(folder, stdout.ToString());
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "kernel.json")))!;
        Assert.Equal("C# (RandCond)", (string?)spec["display_name"]);
        Assert.Equal("csharp", (string?)spec["language"]);
        Assert.Equal("message", (string?)spec["interrupt_mode"]);
        var argv = spec["argv"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal(["kernel", "-f", "{connection_file}"], argv[^3..]);
        Assert.True(File.Exists(argv[0]), $"argv[0] {argv[0]} does not exist");
    }

    [Fact]
    public void Installing_again_replaces_the_spec()
    {
        using var sandbox = new KernelSandbox();
        var kernels = sandbox.Combine("kernels");

        KernelSpec.Install(kernels, ["/first/randcond"]);
        var folder = KernelSpec.Install(kernels, ["/second/randcond"]);

        var argv = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "kernel.json")))!["argv"]!.AsArray();
        Assert.Equal("/second/randcond", (string?)argv[0]);
        Assert.Equal(["randcond-csharp"], Directory.GetDirectories(kernels).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(new[] { "kernel" }, "Option '--connection-file' is required")]
    [InlineData(new[] { "kernel", "install", "--user", "--prefix", "/tmp/x" }, "give at most one of --user, --prefix PATH")]
    public void Bad_kernel_arguments_exit_2_with_the_reason(string[] args, string message)
    {
        var stderr = new StringWriter();
        Assert.Equal(2, Program.Run(args, new StringWriter(), stderr));
        Assert.Contains(message, stderr.ToString());
    }

    [Fact]
    public void A_non_loopback_connection_file_is_refused_before_binding()
    {
        using var sandbox = new KernelSandbox();
        var file = sandbox.Combine("remote.json");
        File.WriteAllText(file, """{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "ip": "0.0.0.0", "key": "k"}""");
        var stderr = new StringWriter();

        Assert.Equal(1, Program.Run(["kernel", "-f", file], new StringWriter(), stderr));
        Assert.Contains("--allow-remote", stderr.ToString());
    }
}
