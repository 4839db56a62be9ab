using RandCond.Kernel.Protocol;
using RandCond.Kernel.Zmq;

namespace RandCond.Kernel;

/// <summary>The kernel's zmq context and its five bound sockets; disposing closes the sockets, then the context.</summary>
internal sealed class KernelSockets : IDisposable
{
    private readonly ZmqContext _context = new();
    private readonly List<ZmqSocket> _all = [];

    public KernelSockets(ConnectionInfo connection)
    {
        try
        {
            Shell = Bind(ZmqSocketType.Router, connection.ShellPort);
            Control = Bind(ZmqSocketType.Router, connection.ControlPort);
            Stdin = Bind(ZmqSocketType.Router, connection.StdinPort);
            Iopub = Bind(ZmqSocketType.Pub, connection.IopubPort);
            Heartbeat = Bind(ZmqSocketType.Rep, connection.HbPort);
        }
        catch
        {
            Dispose();
            throw;
        }

        ZmqSocket Bind(ZmqSocketType type, int port)
        {
            var socket = _context.CreateSocket(type);
            _all.Add(socket);
            if (connection.IsIpv6) socket.Ipv6 = true;
            socket.Bind(connection.Endpoint(port));
            return socket;
        }
    }

    public ZmqSocket Shell { get; } = null!;
    public ZmqSocket Control { get; } = null!;
    public ZmqSocket Stdin { get; } = null!;
    public ZmqSocket Iopub { get; } = null!;
    public ZmqSocket Heartbeat { get; } = null!;

    public void Dispose()
    {
        foreach (var socket in _all) socket.Dispose();
        _context.Dispose();
    }
}
