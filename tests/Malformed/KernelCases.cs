using System.Text;
using System.Text.Json.Nodes;

namespace RandCond.Tests.Malformed;

/// <summary>
/// Malformed Jupyter messages for the kernel: content of the wrong shape or type for its request, headers that are not
/// Jupyter's, frames that are not JSON, signatures that are wrong, and frame lists that are not a message. Each case's
/// bytes are the JSON that kernel_malformed.py reads: the channel, how to sign, and the frames (base64).
/// </summary>
public static class KernelCases
{
    public const string Family = "kernel";

    private static string Header(string msgType) => Header(new JsonObject { ["msg_type"] = msgType });

    private static string Header(JsonObject fields)
    {
        var header = new JsonObject
        {
            ["msg_id"] = Guid.NewGuid().ToString("N"), ["session"] = "malformed", ["username"] = "mallory",
            ["date"] = "2026-01-01T00:00:00Z", ["version"] = "5.3",
        };
        foreach (var (key, value) in fields) header[key] = value?.DeepClone();
        return header.ToJsonString();
    }

    private static MalformedCase Case(string name, string sign, IEnumerable<byte[]> frames, string channel = "shell")
    {
        var json = new JsonObject
        {
            ["channel"] = channel, ["sign"] = sign,
            ["frames"] = new JsonArray(frames.Select(f => (JsonNode)Convert.ToBase64String(f)).ToArray()),
        };
        return new(Family, name, Encoding.UTF8.GetBytes(json.ToJsonString()), "");
    }

    private static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A message signed with the session's key: header, parent header, metadata, content.</summary>
    private static MalformedCase Signed(string name, string header, string content, string channel = "shell", string parent = "{}", string metadata = "{}") =>
        Case(name, "key", [U(header), U(parent), U(metadata), U(content)], channel);

    public static IEnumerable<MalformedCase> All()
    {
        foreach (var (name, content) in new[]
        {
            ("code a number", """{"code": 5}"""), ("code null", """{"code": null}"""), ("code a list", """{"code": ["1"]}"""),
            ("code an object", """{"code": {}}"""), ("code missing", """{"silent": false}"""),
            ("silent a string", """{"code": "1", "silent": "no"}"""), ("store_history a number", """{"code": "1", "store_history": 1}"""),
            ("user_expressions a list", """{"code": "1", "user_expressions": []}"""),
            ("user_expressions values not strings", """{"code": "1", "user_expressions": {"a": 5}}"""),
            ("allow_stdin a string", """{"code": "1", "allow_stdin": "x"}"""), ("stop_on_error a number", """{"code": "1", "stop_on_error": 0}"""),
        })
            yield return Signed("execute_request: " + name, Header("execute_request"), content);

        foreach (var (name, content) in new[] { ("a list", "[]"), ("a string", "\"x\""), ("a number", "5"), ("null", "null"), ("invalid JSON", "{"), ("empty", "") })
            yield return Signed("execute_request content " + name, Header("execute_request"), content);
        yield return Case("execute_request content invalid UTF-8", "key", [U(Header("execute_request")), U("{}"), U("{}"), [0x7B, 0xFF, 0x7D]]);

        foreach (var (msgType, content) in new[]
        {
            ("complete_request", """{"code": "Con", "cursor_pos": -1}"""), ("complete_request", """{"code": "Con", "cursor_pos": "x"}"""),
            ("complete_request", """{"code": "Con", "cursor_pos": 1e20}"""), ("complete_request", """{"cursor_pos": 1}"""),
            ("inspect_request", """{"code": "Console", "cursor_pos": 2, "detail_level": "x"}"""),
            ("inspect_request", """{"code": "Console", "cursor_pos": 18446744073709551616}"""),
            ("is_complete_request", """{"code": ["a"]}"""), ("is_complete_request", "{}"),
            ("history_request", """{"hist_access_type": 5}"""),
            ("shutdown_request", """{"restart": "yes"}"""), ("shutdown_request", """{"restart": 1}"""),
            ("comm_info_request", """{"target_name": 5}"""),
            ("kernel_info_request", "[]"),
            ("frobnicate_request", "{}"), ("execute_reply", "{}"), ("status", """{"execution_state": "busy"}"""),
        })
            yield return Signed($"{msgType}: {content}", Header(msgType), content);
        yield return Signed("control: shutdown_request restart a string", Header("shutdown_request"), """{"restart": "yes"}""", channel: "control");
        yield return Signed("control: interrupt_request content a list", Header("interrupt_request"), "[]", channel: "control");
        yield return Signed("control: unknown request", Header("frobnicate_request"), "{}", channel: "control");

        yield return Signed("header msg_type empty", Header(""), "{}");
        yield return Signed("header msg_type a number", Header(new JsonObject { ["msg_type"] = 5 }), "{}");
        yield return Signed("header msg_type null", Header(new JsonObject { ["msg_type"] = null }), "{}");
        yield return Signed("header msg_id a number", Header(new JsonObject { ["msg_type"] = "kernel_info_request", ["msg_id"] = 5 }), "{}");
        yield return Signed("header msg_type 1 MB long", Header(new string('x', 1 << 20) + "_request"), "{}");
        yield return Signed("header a list", "[1]", "{}");
        yield return Signed("header a string", "\"kernel_info_request\"", "{}");
        yield return Signed("header invalid JSON", "{\"msg_type\": ", "{}");
        yield return Signed("header empty", "", "{}");
        yield return Signed("header duplicate keys", """{"msg_type": "kernel_info_request", "msg_id": "a", "msg_id": "b", "session": "s", "username": "u", "version": "5.3"}""", "{}");
        yield return Signed("header nested 10000 deep", new string('[', 10000) + new string(']', 10000), "{}");
        yield return Signed("parent header a list", Header("kernel_info_request"), "{}", parent: "[]");
        yield return Signed("parent header invalid JSON", Header("kernel_info_request"), "{}", parent: "{");
        yield return Signed("metadata a number", Header("kernel_info_request"), "{}", metadata: "5");
        yield return Signed("metadata invalid JSON", Header("kernel_info_request"), "{}", metadata: "}");

        var info = Header("kernel_info_request");
        yield return Case("signed with another key", "wrong-key", [U(info), U("{}"), U("{}"), U("{}")]);
        yield return Case("signature empty", "none", [U("<IDS|MSG>"), [], U(info), U("{}"), U("{}"), U("{}")]);
        yield return Case("signature not hex", "none", [U("<IDS|MSG>"), U(new string('z', 64)), U(info), U("{}"), U("{}"), U("{}")]);
        yield return Case("signature 1 MB", "none", [U("<IDS|MSG>"), U(new string('a', 1 << 20)), U(info), U("{}"), U("{}"), U("{}")]);
        yield return Case("three parts after the signature", "key", [U(info), U("{}"), U("{}")]);
        yield return Case("no parts after the delimiter", "none", [U("<IDS|MSG>")]);
        yield return Case("unsigned one garbage frame", "none", [U("x")]);
        yield return Case("unsigned empty frames", "none", [[], []]);
        yield return Case("unsigned 1000 empty frames", "none", Enumerable.Repeat(Array.Empty<byte>(), 1000));
        yield return Case("unsigned 10 MB frame", "none", [new byte[10 << 20]]);
        yield return Case("two delimiters", "none", [U("<IDS|MSG>"), U("<IDS|MSG>"), U(info), U("{}"), U("{}"), U("{}")]);
    }
}
