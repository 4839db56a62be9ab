using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>
/// A trainable tensor owned by a module: a leaf that requires grad, outside every dispose scope. Passes
/// as a <see cref="Tensor"/> wherever one is expected. Moving the module to another device or dtype
/// replaces <see cref="Data"/> with a new leaf.
/// </summary>
public sealed class Parameter : IDisposable
{
    public Parameter(Tensor data, bool requiresGrad = true)
    {
        Data = Prepare(data, requiresGrad);
    }

    public Tensor Data { get; private set; }

    public bool RequiresGrad
    {
        get => Data.RequiresGrad;
        set => Data.RequiresGrad = value;
    }

    public Tensor? Grad
    {
        get => Data.Grad;
        set => Data.Grad = value;
    }

    public static implicit operator Tensor(Parameter p) => p.Data;

    /// <summary>Replaces the data with a converted copy (the old tensor is disposed).</summary>
    internal void Replace(Func<Tensor, Tensor> convert)
    {
        bool requiresGrad = Data.RequiresGrad;
        Tensor next;
        using (Torch.NoGrad()) next = convert(Data);
        if (ReferenceEquals(next, Data)) return;
        var old = Data;
        Data = Prepare(next, requiresGrad);
        old.Dispose();
    }

    private static Tensor Prepare(Tensor t, bool requiresGrad)
    {
        t.DetachFromDisposeScope();
        if (!t.IsLeaf)
        {
            using var detached = t.Detach();
            var leaf = detached.Clone().DetachFromDisposeScope();
            t.Dispose();
            t = leaf;
        }
        t.RequiresGrad = requiresGrad;
        return t;
    }

    public void Dispose() => Data.Dispose();

    public override string ToString() => $"Parameter({Data.Describe()})";
}
