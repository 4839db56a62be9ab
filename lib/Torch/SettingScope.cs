namespace RandCond.Tensors;

/// <summary>A process-wide setting set for a while: disposing restores the value it found.</summary>
internal sealed class SettingScope<T> : IDisposable
{
    private readonly Action<T> _set;
    private readonly T _previous;

    private SettingScope(Func<T> get, Action<T> set, T value)
    {
        _set = set;
        _previous = get();
        set(value);
    }

    public static IDisposable Set(Func<T> get, Action<T> set, T value) => new SettingScope<T>(get, set, value);

    public void Dispose() => _set(_previous);
}
