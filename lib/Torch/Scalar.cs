namespace RandCond.Tensors;

/// <summary>A number passed to an operator's Scalar argument, keeping whether it is integral.</summary>
public readonly struct Scalar
{
    internal readonly long IntValue;
    internal readonly double DoubleValue;
    internal readonly byte Kind; // 0 int, 1 double, 2 bool

    private Scalar(long i, double d, byte kind) { IntValue = i; DoubleValue = d; Kind = kind; }

    public static implicit operator Scalar(int v) => new(v, 0, 0);
    public static implicit operator Scalar(long v) => new(v, 0, 0);
    public static implicit operator Scalar(double v) => new(0, v, 1);
    public static implicit operator Scalar(float v) => new(0, v, 1);
    public static implicit operator Scalar(bool v) => new(v ? 1 : 0, 0, 2);

    public double ToDouble() => Kind == 1 ? DoubleValue : IntValue;
    public override string ToString() => Kind switch { 0 => IntValue.ToString(), 1 => DoubleValue.ToString("R"), _ => (IntValue != 0).ToString() };
}
