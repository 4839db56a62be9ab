namespace RandCond.Tensors;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost open scope, and disposes them
/// when it is disposed, so a training step frees its intermediates at once instead of waiting for the GC.
/// Keep a result with <see cref="Tensor.MoveToOuterScope"/> or <see cref="Tensor.DetachFromDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly DisposeScope? outer;
    private readonly List<Tensor> owned = new();
    private bool disposed;

    internal DisposeScope()
    {
        outer = current;
        current = this;
    }

    internal static DisposeScope? Current => current;

    /// <summary>The number of tensors this scope will dispose.</summary>
    public int Count => owned.Count(t => t.Scope == this);

    internal static void Register(Tensor tensor)
    {
        var scope = current;
        if (scope is null) return;
        tensor.Scope = scope;
        scope.owned.Add(tensor);
    }

    internal void Adopt(Tensor tensor)
    {
        tensor.Scope = this;
        owned.Add(tensor);
    }

    internal DisposeScope? Outer => outer;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (current != this)
            throw new InvalidOperationException("dispose scopes must be disposed in the reverse order of creation, on the thread that opened them");
        current = outer;
        foreach (var tensor in owned)
            if (tensor.Scope == this) tensor.Dispose();
        owned.Clear();
    }
}
