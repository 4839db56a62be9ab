using System.Runtime.InteropServices;

namespace RandCond.Kernel.Zmq;

public enum ZmqSocketType { Pub = ZmqNative.Pub, Sub = ZmqNative.Sub, Req = ZmqNative.Req, Rep = ZmqNative.Rep, Dealer = ZmqNative.Dealer, Router = ZmqNative.Router }

/// <summary>
/// One libzmq socket, sending and receiving whole multipart messages. Like every zmq socket it must be used
/// from one thread at a time. Errors throw <see cref="ZmqException"/> naming the call and the endpoint.
/// </summary>
public sealed unsafe class ZmqSocket : SafeHandle
{
    private readonly ZmqContext _context;
    private bool _contextReferenced;

    internal ZmqSocket(ZmqContext context, ZmqSocketType type) : base(IntPtr.Zero, ownsHandle: true)
    {
        _context = context;
        // The socket keeps its context alive: zmq_ctx_term would block forever on a socket still open.
        context.DangerousAddRef(ref _contextReferenced);
        SetHandle(ZmqNative.zmq_socket(context.DangerousGetHandle(), (int)type));
        if (IsInvalid)
        {
            context.DangerousRelease();
            _contextReferenced = false;
            throw ZmqException.FromErrno($"zmq_socket({type})");
        }
        Type = type;
        Linger = TimeSpan.FromSeconds(1);
    }

    public ZmqSocketType Type { get; }

    /// <summary>The endpoint this socket was bound to, for messages.</summary>
    public string? Endpoint { get; private set; }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>How long unsent messages are kept when the socket closes (ZMQ_LINGER).</summary>
    public TimeSpan Linger
    {
        set => SetInt(ZmqNative.OptLinger, (int)value.TotalMilliseconds, "ZMQ_LINGER");
    }

    /// <summary>Whether tcp endpoints may be IPv6 addresses (ZMQ_IPV6); libzmq refuses them unless set.</summary>
    public bool Ipv6
    {
        set => SetInt(ZmqNative.OptIpv6, value ? 1 : 0, "ZMQ_IPV6");
    }

    public void Bind(string endpoint)
    {
        if (ZmqNative.zmq_bind(handle, endpoint) != 0) throw ZmqException.FromErrno($"zmq_bind({Type}, {endpoint})");
        Endpoint = endpoint;
    }

    /// <summary>Sends all frames as one multipart message (blocking while the peer's queue is full).</summary>
    public void SendMultipart(IReadOnlyList<byte[]> frames)
    {
        if (frames.Count == 0) throw new ArgumentException("a message needs at least one frame", nameof(frames));
        for (var i = 0; i < frames.Count; i++)
        {
            var flags = i < frames.Count - 1 ? ZmqNative.SendMore : 0;
            fixed (byte* p = frames[i])
            {
                while (ZmqNative.zmq_send(handle, p, (nuint)frames[i].Length, flags) < 0)
                {
                    if (ZmqNative.LastError != ZmqNative.EIntr) throw ZmqException.FromErrno($"zmq_send on {Endpoint}");
                }
            }
        }
    }

    /// <summary>Receives one whole multipart message; blocks until one arrives (use <see cref="Poll"/> first).</summary>
    public List<byte[]> ReceiveMultipart()
    {
        var frames = new List<byte[]>();
        ZmqNative.Message message;
        if (ZmqNative.zmq_msg_init(&message) != 0) throw ZmqException.FromErrno("zmq_msg_init");
        try
        {
            while (true)
            {
                while (ZmqNative.zmq_msg_recv(&message, handle, 0) < 0)
                {
                    if (ZmqNative.LastError != ZmqNative.EIntr) throw ZmqException.FromErrno($"zmq_msg_recv on {Endpoint}");
                }
                var size = (int)ZmqNative.zmq_msg_size(&message);
                frames.Add(new ReadOnlySpan<byte>(ZmqNative.zmq_msg_data(&message), size).ToArray());
                if (!ReceiveMore()) return frames;
            }
        }
        finally
        {
            ZmqNative.zmq_msg_close(&message);
        }
    }

    private bool ReceiveMore()
    {
        int more;
        nuint length = sizeof(int);
        if (ZmqNative.zmq_getsockopt(handle, ZmqNative.OptRcvMore, &more, &length) != 0)
            throw ZmqException.FromErrno($"zmq_getsockopt(ZMQ_RCVMORE) on {Endpoint}");
        return more != 0;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> until some of <paramref name="sockets"/> have a message to read;
    /// returns one flag per socket. A signal interrupting the wait counts as "nothing readable".
    /// </summary>
    public static bool[] Poll(IReadOnlyList<ZmqSocket> sockets, TimeSpan timeout)
    {
        var items = stackalloc ZmqNative.PollItem[sockets.Count];
        for (var i = 0; i < sockets.Count; i++)
            items[i] = new ZmqNative.PollItem { Socket = sockets[i].handle, Events = ZmqNative.PollIn };
        var readable = new bool[sockets.Count];
        if (ZmqNative.zmq_poll(items, sockets.Count, (long)timeout.TotalMilliseconds) < 0)
        {
            if (ZmqNative.LastError == ZmqNative.EIntr) return readable;
            throw ZmqException.FromErrno("zmq_poll");
        }
        for (var i = 0; i < sockets.Count; i++) readable[i] = (items[i].Revents & ZmqNative.PollIn) != 0;
        return readable;
    }

    private void SetInt(int option, int value, string name)
    {
        if (ZmqNative.zmq_setsockopt(handle, option, &value, sizeof(int)) != 0)
            throw ZmqException.FromErrno($"zmq_setsockopt({name}) on {Endpoint ?? Type.ToString()}");
    }

    protected override bool ReleaseHandle()
    {
        ZmqNative.zmq_close(handle);
        if (_contextReferenced) _context.DangerousRelease();
        return true;
    }
}
