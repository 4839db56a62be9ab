using System.Text;
using System.Text.Json.Nodes;
using RandCond.Kernel;
using RandCond.Kernel.Protocol;
using Xunit;

namespace RandCond.Tests.Kernel;

public class ProtocolTests
{
    private static readonly MessageSigner Signer = new("secret-key");

    [Fact]
    public void A_message_survives_the_wire_format_with_its_identities_and_signature()
    {
        var request = JupyterMessage.Create("execute_request", new JsonObject { ["code"] = "1 + 1" }, "s1", null, ["client-id"u8.ToArray()]);

        var frames = request.ToFrames(Signer);
        var parsed = JupyterMessage.FromFrames(frames, Signer);

        Assert.Equal("client-id"u8.ToArray(), Assert.Single(parsed.Identities));
        Assert.Equal(JupyterMessage.Delimiter, frames[1]);
        Assert.Equal(64, frames[2].Length); // hex of a SHA-256 HMAC
        Assert.Equal("execute_request", parsed.MsgType);
        Assert.Equal("1 + 1", (string?)parsed.Content["code"]);
        Assert.Equal("5.3", (string?)parsed.Header["version"]);
    }

    [Fact]
    public void The_signature_is_hmac_sha256_of_the_four_json_frames_as_jupyter_client_computes_it()
    {
        // From jupyter_client: Session(key=b"secret-key").sign([b'{"a":1}', b'{}', b'{}', b'{"b":2}'])
        var parts = new[] { "{\"a\":1}", "{}", "{}", "{\"b\":2}" }.Select(Encoding.UTF8.GetBytes).ToArray();
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            "secret-key"u8, parts.SelectMany(p => p).ToArray()));

        Assert.Equal(expected, Signer.Sign(parts));
        Assert.True(Signer.Verify(expected, parts));
        Assert.Equal("", new MessageSigner("").Sign(parts));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("missing")]
    [InlineData("tampered")]
    public void Messages_with_a_bad_signature_are_rejected(string how)
    {
        var frames = JupyterMessage.Create("execute_request", new JsonObject { ["code"] = "1" }, "s", null).ToFrames(Signer);
        switch (how)
        {
            case "wrong": frames = JupyterMessage.Create("execute_request", new JsonObject { ["code"] = "1" }, "s", null).ToFrames(new MessageSigner("other")); break;
            case "missing": frames[1] = []; break;
            case "tampered": frames[5] = Encoding.UTF8.GetBytes("{\"code\":\"File.Delete(\\\"x\\\")\"}"); break;
        }

        var error = Assert.Throws<InvalidMessageException>(() => JupyterMessage.FromFrames(frames, Signer));
        Assert.Contains(how == "missing" ? "missing signature" : "wrong signature", error.Message);
    }

    [Fact]
    public void Frames_without_the_delimiter_are_rejected()
    {
        var error = Assert.Throws<InvalidMessageException>(() => JupyterMessage.FromFrames([[1], [2]], Signer));
        Assert.Contains("<IDS|MSG>", error.Message);
    }

    [Fact]
    public void A_connection_file_gives_the_channel_endpoints()
    {
        var info = ConnectionInfo.Parse("""
            {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
             "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "x"}
            """, "test.json");

        Assert.Equal("tcp://127.0.0.1:5001", info.Endpoint(info.ShellPort));
        Assert.Equal("tcp://127.0.0.1:5005", info.Endpoint(info.HbPort));
        Assert.Equal("k", info.Key);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.5")]
    public void A_non_loopback_ip_is_refused_unless_remote_is_allowed(string ip)
    {
        var json = $$"""{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "ip": "{{ip}}", "key": ""}""";

        var error = Assert.Throws<KernelConfigurationException>(() => ConnectionInfo.Parse(json, "conn.json"));
        Assert.Contains($"ip '{ip}' is not a loopback address", error.Message);
        Assert.Equal(ip, ConnectionInfo.Parse(json, "conn.json", allowRemote: true).Ip);
    }

    [Theory]
    [InlineData("""{"iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}""", "'shell_port' must be a port")]
    [InlineData("""{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "key": "k", "signature_scheme": "hmac-md5"}""", "signature_scheme 'hmac-md5'")]
    [InlineData("[1]", "expected a JSON object")]
    public void A_bad_connection_file_is_reported_with_the_field(string json, string message)
    {
        var error = Assert.Throws<KernelConfigurationException>(() => ConnectionInfo.Parse(json, "conn.json"));
        Assert.Contains("conn.json", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Cursor_positions_convert_between_code_points_and_utf16()
    {
        const string text = "a😀b"; // the emoji is two UTF-16 units, one code point
        Assert.Equal(3, CodePoints.ToUtf16Index(text, 2));
        Assert.Equal(2, CodePoints.FromUtf16Index(text, 3));
        Assert.Equal(text.Length, CodePoints.ToUtf16Index(text, 99));
    }
}
