using System.Net;
using System.Text.Json;

namespace RandCond.Kernel.Protocol;

/// <summary>
/// A Jupyter connection file: where the five channels listen and the key messages are signed with.
/// Only loopback addresses are accepted unless the caller allows remote ones (anyone who can reach the ports
/// and knows the key can run code).
/// </summary>
public sealed record ConnectionInfo(
    string Transport, string Ip, int ShellPort, int IopubPort, int StdinPort, int ControlPort, int HbPort,
    string Key, string SignatureScheme)
{
    public const string HmacSha256 = "hmac-sha256";

    public static ConnectionInfo Read(string path, bool allowRemote = false)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KernelConfigurationException($"cannot read connection file {path}: {e.Message}", e);
        }
        return Parse(text, path, allowRemote);
    }

    public static ConnectionInfo Parse(string json, string source, bool allowRemote = false)
    {
        JsonElement root;
        try { root = JsonDocument.Parse(json).RootElement; }
        catch (JsonException e) { throw new KernelConfigurationException($"{source}: not valid JSON: {e.Message}", e); }
        if (root.ValueKind != JsonValueKind.Object) throw new KernelConfigurationException($"{source}: expected a JSON object");

        string Text(string name, string? fallback = null) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
            : fallback ?? throw new KernelConfigurationException($"{source}: missing string field '{name}'");
        int Port(string name) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var p) && p is > 0 and < 65536
                ? p : throw new KernelConfigurationException($"{source}: field '{name}' must be a port number 1-65535");

        var info = new ConnectionInfo(
            Text("transport", "tcp"), Text("ip", "127.0.0.1"),
            Port("shell_port"), Port("iopub_port"), Port("stdin_port"), Port("control_port"), Port("hb_port"),
            Text("key", ""), Text("signature_scheme", HmacSha256));

        if (info.Transport is not ("tcp" or "ipc"))
            throw new KernelConfigurationException($"{source}: transport '{info.Transport}' is not supported (expected tcp or ipc)");
        if (info.Key.Length > 0 && info.SignatureScheme != HmacSha256)
            throw new KernelConfigurationException($"{source}: signature_scheme '{info.SignatureScheme}' is not supported (expected {HmacSha256})");
        if (info.Transport == "tcp" && !allowRemote && !IsLoopback(info.Ip))
            throw new KernelConfigurationException(
                $"{source}: ip '{info.Ip}' is not a loopback address; the kernel runs any code it is sent, so it only " +
                "listens on other interfaces with --allow-remote");
        return info;
    }

    public static bool IsLoopback(string ip) =>
        ip == "localhost" || (IPAddress.TryParse(ip, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Whether the tcp address is IPv6 (such as ::1), which zmq sockets accept only with ZMQ_IPV6 set.</summary>
    public bool IsIpv6 => Transport == "tcp" && Ip.Contains(':');

    /// <summary>The zmq endpoint of a port: tcp://ip:port, or for ipc the file "ip-port".</summary>
    public string Endpoint(int port) => Transport == "ipc" ? $"ipc://{Ip}-{port}" : $"tcp://{BindAddress}:{port}";

    // zmq's tcp transport wants an address or interface name; IPv6 addresses go in brackets.
    private string BindAddress => Ip == "localhost" ? "127.0.0.1" : Ip.Contains(':') ? $"[{Ip}]" : Ip;
}
