using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>Applies its layers in order; named "0", "1", ... in the state dict, as in PyTorch.</summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> layers = new();

    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    public Sequential Add(Module<Tensor, Tensor> layer)
    {
        layers.Add(Register(layers.Count.ToString(), layer));
        return this;
    }

    public int Count => layers.Count;
    public Module<Tensor, Tensor> this[int index] => layers[index];

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            var next = layer.Forward(x);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        return ReferenceEquals(x, input) ? input.Alias() : x;
    }
}

/// <summary>A list of modules registered as "0", "1", ...; the owner decides how to call them.</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> items = new();

    public ModuleList(IEnumerable<T>? items = null)
    {
        if (items is null) return;
        foreach (var item in items) Add(item);
    }

    public void Add(T module) => items.Add(Register(items.Count.ToString(), module));
    public int Count => items.Count;
    public T this[int index] => items[index];
    public IEnumerable<T> Items => items;
}
