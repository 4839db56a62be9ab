using System.Runtime.InteropServices;

namespace RandCond.Kernel.Zmq;

/// <summary>A libzmq call failed; the message names the call, what it was doing, and zmq_strerror's text.</summary>
public sealed class ZmqException(string message, int errorCode) : Exception(message)
{
    public int ErrorCode { get; } = errorCode;

    internal static ZmqException FromErrno(string what)
    {
        var code = ZmqNative.LastError;
        var text = Marshal.PtrToStringUTF8(ZmqNative.zmq_strerror(code)) ?? "unknown error";
        return new ZmqException($"{what}: {text} (errno {code})", code);
    }
}
