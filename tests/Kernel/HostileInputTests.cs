using System.Text.Json.Nodes;
using RandCond.Kernel;
using RandCond.Kernel.Protocol;
using Xunit;

namespace RandCond.Tests.Kernel;

/// <summary>Kernel hardening (issue 21): malformed requests get error replies; nothing a client sends kills the kernel.</summary>
public class HostileInputTests
{
    [Fact]
    public void Malformed_signed_requests_get_error_replies_odd_frames_are_dropped_and_a_replay_runs_once()
    {
        using var sandbox = new KernelSandbox();
        var marker = sandbox.Combine("replayed.txt");

        var (result, process) = KernelScenario.Run(sandbox, "hostile", marker);

        foreach (var entry in result["replies"]!.AsArray())
        {
            var request = (string)entry!["request"]!;
            var reply = entry["reply"] as JsonObject;
            Assert.True(reply is not null, $"no reply to {request} {entry["content"]!.ToJsonString()}");
            Assert.Equal(request.Replace("_request", "_reply"), (string?)reply["msg_type"]);
            Assert.Equal("error", (string?)reply["content"]!["status"]);
            Assert.Equal("BadRequest", (string?)reply["content"]!["ename"]);
        }
        var evalues = result["replies"]!.AsArray().Select(e => (string?)e!["reply"]!["content"]!["evalue"]).ToList();
        Assert.Contains("content.code must be a string, not 5", evalues);
        Assert.Contains("content.restart must be true or false, not \"yes\"", evalues);
        Assert.Contains("content.cursor_pos must be a non-negative integer, not \"x\"", evalues);
        Assert.Contains("frobnicate_request is not supported on the shell channel", evalues);

        Assert.All(result["dropped"]!.AsArray(), d => Assert.False((bool)d!["answered"]!, $"answered {d["case"]}"));
        Assert.Contains("dropped a message on shell: header.msg_type must be a non-empty string", process.Stderr);
        Assert.Contains("dropped a message on shell: header is not valid JSON", process.Stderr); // duplicate keys

        Assert.Equal("ok", (string?)result["replay_first"]!["content"]!["status"]);
        Assert.Null(result["replay_second"]);
        Assert.Equal(1, (int)result["replay_runs"]!);
        Assert.Contains("dropped a message on shell: replayed signature", process.Stderr);

        Assert.Equal("ok", (string?)result["after_reply"]!["status"]); // still serving
        Assert.DoesNotContain("Unhandled exception", process.Stderr);
    }

    [Fact]
    public void A_replayed_signature_is_refused_and_the_history_forgets_the_oldest_past_its_capacity()
    {
        var history = new SignatureHistory(capacity: 2);

        Assert.True(history.Add("aa"));
        Assert.False(history.Add("AA")); // hex is compared without case, as the signer verifies it
        Assert.True(history.Add("bb"));
        Assert.True(history.Add("cc"));
        Assert.True(history.Add("aa")); // forgotten
        Assert.True(history.Add("")); // unsigned sessions have nothing to compare
        Assert.True(history.Add(""));
    }

    [Fact]
    public void A_kernel_on_ipv6_loopback_binds_and_answers()
    {
        var ports = Enumerable.Range(0, 5).Select(_ => FreeTcpPort()).ToArray();
        var info = ConnectionInfo.Parse($$"""
            {"shell_port": {{ports[0]}}, "iopub_port": {{ports[1]}}, "stdin_port": {{ports[2]}}, "control_port": {{ports[3]}},
             "hb_port": {{ports[4]}}, "ip": "::1", "key": "k", "transport": "tcp"}
            """, "ipv6.json");
        Assert.Equal($"tcp://[::1]:{ports[0]}", info.Endpoint(info.ShellPort));

        using var kernel = new JupyterKernel(info, new KernelOptions { Log = TextWriter.Null, ExitWithParent = false });
        var serving = new Thread(kernel.Run) { IsBackground = true };
        serving.Start();
        try
        {
            using var client = new System.Net.Sockets.TcpClient(System.Net.Sockets.AddressFamily.InterNetworkV6);
            client.Connect(System.Net.IPAddress.IPv6Loopback, ports[0]); // the shell socket listens on ::1
            Assert.True(client.Connected);
        }
        finally
        {
            kernel.Stop();
            serving.Join(TimeSpan.FromSeconds(10));
        }
    }

    private static int FreeTcpPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.IPv6Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
