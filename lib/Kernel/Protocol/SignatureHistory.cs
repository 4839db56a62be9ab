namespace RandCond.Kernel.Protocol;

/// <summary>
/// The signatures of the messages accepted in this session, so a captured message cannot be replayed (jupyter_client's
/// Session refuses a repeated signature the same way). Keeps the last <see cref="Capacity"/>; older ones are forgotten.
/// </summary>
internal sealed class SignatureHistory(int capacity = SignatureHistory.DefaultCapacity)
{
    public const int DefaultCapacity = 1 << 16;

    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<string> _order = new();

    public int Capacity { get; } = capacity;

    /// <summary>Records <paramref name="signature"/>; false when it was seen before (a replay). Empty signatures (no key) pass.</summary>
    public bool Add(string signature)
    {
        if (signature.Length == 0) return true;
        if (!_seen.Add(signature)) return false;
        _order.Enqueue(signature);
        if (_order.Count > Capacity) _seen.Remove(_order.Dequeue());
        return true;
    }
}
