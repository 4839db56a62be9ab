using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>
/// A neural-network building block: named parameters, buffers and submodules, train/eval mode, moving
/// to a device or dtype, and state dicts (names joined by dots, as in PyTorch).
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Parameter Value)> parameters = new();
    private readonly List<(string Name, Tensor Value)> buffers = new();
    private readonly List<(string Name, Module Value)> modules = new();

    public bool Training { get; private set; } = true;

    protected T Register<T>(string name, T module) where T : Module
    {
        CheckName(name);
        modules.Add((name, module));
        return module;
    }

    protected Parameter RegisterParameter(string name, Tensor data, bool requiresGrad = true)
    {
        CheckName(name);
        var p = new Parameter(data, requiresGrad);
        parameters.Add((name, p));
        return p;
    }

    /// <summary>A non-trainable tensor that is part of the state dict (e.g. a frozen table).</summary>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        CheckName(name);
        value.DetachFromDisposeScope();
        buffers.Add((name, value));
        return value;
    }

    /// <summary>The current value of a buffer registered under name (it changes when the module moves).</summary>
    protected Tensor Buffer(string name) => buffers.First(b => b.Name == name).Value;

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"invalid member name '{name}' (non-empty, no dots)");
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || modules.Any(m => m.Name == name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'");
    }

    public IEnumerable<(string Name, Module Module)> NamedChildren() => modules;

    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in modules)
            foreach (var item in child.NamedModules(Join(prefix, name)))
                yield return item;
    }

    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in parameters) yield return (Join(prefix, name), p);
        foreach (var (name, child) in modules)
            foreach (var item in child.NamedParameters(Join(prefix, name)))
                yield return item;
    }

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, b) in buffers) yield return (Join(prefix, name), b);
        foreach (var (name, child) in modules)
            foreach (var item in child.NamedBuffers(Join(prefix, name)))
                yield return item;
    }

    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    public long ParameterCount => Parameters().Sum(p => p.Data.NumEl);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    public Module Train(bool training = true)
    {
        foreach (var (_, m) in NamedModules()) m.Training = training;
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Freezes (or unfreezes) every parameter.</summary>
    public Module RequiresGrad(bool requiresGrad)
    {
        foreach (var p in Parameters()) p.RequiresGrad = requiresGrad;
        return this;
    }

    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    public Module To(Device device) => Convert(t => t.Device == device ? t : t.To(device));

    /// <summary>Converts floating-point parameters and buffers to dtype (integer buffers stay).</summary>
    public Module To(DType dtype) => Convert(t => !t.DType.IsFloatingPoint() || t.DType == dtype ? t : t.To(dtype));

    /// <summary>
    /// Lays out every 4-D parameter and buffer in <paramref name="format"/> with its strides (convolution weights, for
    /// channels-last training; a one-input-channel weight too, whose layout tells its network's; see
    /// <see cref="Tensor.SuggestedMemoryFormat"/>). Call it before building optimizers or EMA copies: they hold the
    /// parameters' tensors.
    /// </summary>
    public Module To(MemoryFormat format) =>
        Convert(t => t.Dim != 4 || (t.IsContiguous(format) && t.SuggestedMemoryFormat == format) ? t : t.ToMemoryFormat(format));

    private Module Convert(Func<Tensor, Tensor> convert)
    {
        foreach (var (_, m) in NamedModules())
        {
            foreach (var (_, p) in m.parameters) p.Replace(convert);
            for (int i = 0; i < m.buffers.Count; i++)
            {
                var (name, old) = m.buffers[i];
                Tensor next;
                using (Torch.NoGrad()) next = convert(old);
                if (ReferenceEquals(next, old)) continue;
                m.buffers[i] = (name, next.DetachFromDisposeScope());
                old.Dispose();
            }
        }
        return this;
    }

    /// <summary>Parameters and buffers by dotted name. The tensors are the module's own: do not dispose them.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) state[name] = p.Data;
        foreach (var (name, b) in NamedBuffers()) state[name] = b;
        return state;
    }

    private const int MaxListedProblems = 6;

    /// <summary>
    /// Copies values into the module's parameters and buffers. Strict: every name must match both ways,
    /// and shapes must agree; the error counts every problem and lists the first few, and nothing is copied unless all is well.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var problems = new List<string>();
        foreach (var name in own.Keys.Where(k => !state.ContainsKey(k)))
            if (strict) problems.Add($"missing '{name}'");
        foreach (var name in state.Keys.Where(k => !own.ContainsKey(k)))
            if (strict) problems.Add($"unexpected '{name}'");
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var source)) continue;
            var (a, b) = (target.Shape, source.Shape);
            if (!a.SequenceEqual(b))
                problems.Add($"'{name}' has shape [{string.Join(", ", b)}] but the module expects [{string.Join(", ", a)}]");
        }
        if (problems.Count > 0)
            throw new ArgumentException($"LoadStateDict into {GetType().Name}: {problems.Count} problem(s): " + string.Join("; ", problems.Take(MaxListedProblems)) +
                                        (problems.Count > MaxListedProblems ? $"; and {problems.Count - MaxListedProblems} more" : ""));
        using var _ = Torch.NoGrad();
        foreach (var (name, target) in own)
            if (state.TryGetValue(name, out var source)) target.CopyFrom(source);
    }

    public virtual void Dispose()
    {
        foreach (var (_, p) in parameters) p.Dispose();
        foreach (var (_, b) in buffers) b.Dispose();
        foreach (var (_, m) in modules) m.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A module with one input and one output, as TorchSharp's Module&lt;T, TResult&gt;.</summary>
public abstract class Module<TIn, TOut> : Module
{
    public abstract TOut Forward(TIn input);
}
