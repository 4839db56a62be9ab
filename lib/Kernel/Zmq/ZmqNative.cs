using System.Runtime.InteropServices;

namespace RandCond.Kernel.Zmq;

/// <summary>The few libzmq (Debian libzmq5) entry points the kernel uses, with the constants of zmq.h.</summary>
internal static unsafe class ZmqNative
{
    private const string Library = "libzmq.so.5";

    public const int Pub = 1, Sub = 2, Req = 3, Rep = 4, Dealer = 5, Router = 6;
    public const int DontWait = 1, SendMore = 2;
    public const int OptRcvMore = 13, OptLinger = 17, OptIpv6 = 42;
    public const short PollIn = 1;
    public const int EIntr = 4, EAgain = 11;

    /// <summary>zmq_msg_t: an opaque 64-byte, 8-aligned block.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 64)]
    public struct Message { private long _first; }

    /// <summary>zmq_pollitem_t on 64-bit Unix: void* socket; int fd; short events; short revents.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollItem
    {
        public IntPtr Socket;
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport(Library, SetLastError = true)] public static extern IntPtr zmq_ctx_new();
    [DllImport(Library, SetLastError = true)] public static extern int zmq_ctx_term(IntPtr context);
    [DllImport(Library, SetLastError = true)] public static extern IntPtr zmq_socket(IntPtr context, int type);
    [DllImport(Library, SetLastError = true)] public static extern int zmq_close(IntPtr socket);
    [DllImport(Library, SetLastError = true)] public static extern int zmq_bind(IntPtr socket, [MarshalAs(UnmanagedType.LPUTF8Str)] string endpoint);
    [DllImport(Library, SetLastError = true)] public static extern int zmq_setsockopt(IntPtr socket, int option, void* value, nuint length);
    [DllImport(Library, SetLastError = true)] public static extern int zmq_getsockopt(IntPtr socket, int option, void* value, nuint* length);
    [DllImport(Library, SetLastError = true)] public static extern int zmq_send(IntPtr socket, void* buffer, nuint length, int flags);
    [DllImport(Library, SetLastError = true)] public static extern int zmq_msg_init(Message* message);
    [DllImport(Library, SetLastError = true)] public static extern int zmq_msg_recv(Message* message, IntPtr socket, int flags);
    [DllImport(Library, SetLastError = true)] public static extern void* zmq_msg_data(Message* message);
    [DllImport(Library, SetLastError = true)] public static extern nuint zmq_msg_size(Message* message);
    [DllImport(Library, SetLastError = true)] public static extern int zmq_msg_close(Message* message);
    [DllImport(Library, SetLastError = true)] public static extern int zmq_poll(PollItem* items, int count, long timeoutMilliseconds);
    /// <summary>
    /// errno of the last call, saved by the runtime right after it returned (SetLastError): calling zmq_errno()
    /// afterwards can read an errno the runtime has overwritten meanwhile ("Success (errno 0)").
    /// </summary>
    public static int LastError => Marshal.GetLastPInvokeError();
    [DllImport(Library, SetLastError = true)] public static extern IntPtr zmq_strerror(int error);
}
