using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Kernel.Protocol;

/// <summary>
/// One Jupyter message: routing identities, the four JSON parts and binary buffers. On the wire:
/// identities..., "&lt;IDS|MSG&gt;", HMAC signature, header, parent_header, metadata, content, buffers...
/// </summary>
public sealed record JupyterMessage(
    IReadOnlyList<byte[]> Identities, JsonObject Header, JsonObject ParentHeader, JsonObject Metadata, JsonObject Content,
    IReadOnlyList<byte[]> Buffers)
{
    public const string ProtocolVersion = "5.3";
    public static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    // Duplicate keys are refused at parse time: a JsonObject would otherwise throw on first use, far from the parse.
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    /// <summary>header.msg_type; a received message without a string msg_type is refused by <see cref="FromFrames"/>.</summary>
    public string MsgType => Header["msg_type"] is JsonValue v && v.TryGetValue<string>(out var type) ? type : "";

    public string MsgId => Header["msg_id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : "";

    /// <summary>The signature a received message carried (empty when unsigned), for refusing replays.</summary>
    public string Signature { get; init; } = "";

    /// <summary>A new message answering (or caused by) <paramref name="parent"/>; its identities route it back.</summary>
    public static JupyterMessage Create(string msgType, JsonObject content, string session, JupyterMessage? parent,
        IReadOnlyList<byte[]>? identities = null)
    {
        var header = new JsonObject
        {
            ["msg_id"] = Guid.NewGuid().ToString("N"),
            ["session"] = session,
            ["username"] = "randcond",
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
            ["msg_type"] = msgType,
            ["version"] = ProtocolVersion,
        };
        var parentHeader = parent is null ? new JsonObject() : (JsonObject)parent.Header.DeepClone();
        return new JupyterMessage(identities ?? parent?.Identities ?? [], header, parentHeader, new JsonObject(), content, []);
    }

    public List<byte[]> ToFrames(MessageSigner signer)
    {
        var parts = new[] { Header, ParentHeader, Metadata, Content }
            .Select(part => Encoding.UTF8.GetBytes(part.ToJsonString())).ToArray();
        var frames = new List<byte[]>(Identities);
        frames.Add(Delimiter);
        frames.Add(Encoding.ASCII.GetBytes(signer.Sign(parts)));
        frames.AddRange(parts);
        frames.AddRange(Buffers);
        return frames;
    }

    /// <summary>
    /// Parses a received multipart message, checking its signature. Throws <see cref="InvalidMessageException"/>
    /// when the framing, the signature or a JSON part is wrong: such a message must not be acted on.
    /// </summary>
    public static JupyterMessage FromFrames(IReadOnlyList<byte[]> frames, MessageSigner signer)
    {
        var delimiter = -1;
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i].AsSpan().SequenceEqual(Delimiter)) { delimiter = i; break; }
        }
        if (delimiter < 0) throw new InvalidMessageException("no <IDS|MSG> delimiter frame");
        if (frames.Count < delimiter + 6) throw new InvalidMessageException($"{frames.Count - delimiter - 1} frames after the delimiter, expected at least 5");

        var signature = Encoding.ASCII.GetString(frames[delimiter + 1]);
        var parts = frames.Skip(delimiter + 2).Take(4).ToArray();
        if (!signer.Verify(signature, parts))
            throw new InvalidMessageException(signature.Length == 0 ? "missing signature" : "wrong signature");

        JsonObject Part(int index, string name)
        {
            try
            {
                return JsonNode.Parse(parts[index], documentOptions: StrictJson) as JsonObject
                    ?? throw new InvalidMessageException($"{name} is not a JSON object");
            }
            catch (JsonException e) { throw new InvalidMessageException($"{name} is not valid JSON: {e.Message}"); }
        }
        var header = Part(0, "header");
        // Without a string msg_type there is no telling what reply is expected: the message is dropped.
        foreach (var field in new[] { "msg_type", "msg_id" })
        {
            if (header[field] is not JsonValue v || !v.TryGetValue<string>(out var text) || text.Length == 0)
                throw new InvalidMessageException($"header.{field} must be a non-empty string");
        }
        return new JupyterMessage(frames.Take(delimiter).ToList(), header, Part(1, "parent_header"),
            Part(2, "metadata"), Part(3, "content"), frames.Skip(delimiter + 6).ToList()) { Signature = signature };
    }
}

/// <summary>A received message that must be dropped: bad framing, signature or JSON.</summary>
public sealed class InvalidMessageException(string message) : Exception(message);
