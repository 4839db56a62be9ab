namespace RandCond.Tensors;

/// <summary>An error raised by libtorch, carrying its message and the operation that failed.</summary>
public sealed class TorchException : Exception
{
    public TorchException(string operation, string nativeMessage, Exception? inner = null)
        : base($"{operation}: {nativeMessage}", inner)
    {
        Operation = operation;
        NativeMessage = nativeMessage;
    }

    /// <summary>The operator (e.g. "aten::conv2d") or shim function that failed.</summary>
    public string Operation { get; }

    /// <summary>libtorch's own message, without backtrace.</summary>
    public string NativeMessage { get; }
}
