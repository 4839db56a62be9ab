using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// p(t) of random conditioning: the probability that a sample noised to step t has its caption replaced by one
/// drawn uniformly from the text corpus C. A function of the fraction u = t / T in [0, 1).
/// </summary>
public sealed class ReplacementProbability
{
    private readonly Func<double, double> ofFraction;

    private ReplacementProbability(string name, Func<double, double> ofFraction)
    {
        Name = name;
        this.ofFraction = ofFraction;
    }

    /// <summary>A short name for logs, tables and the run store ("exponential(5)", "sigmoid(20, 0.7)").</summary>
    public string Name { get; }

    /// <summary><c>exp(-lambda (1 - t/T))</c>; lambda = 5 is the published default for teacher-initialized students (mean 0.199).</summary>
    public static ReplacementProbability Exponential(double lambda = 5) =>
        lambda >= 0 ? new($"exponential({lambda:G4})", u => Math.Exp(-lambda * (1 - u)))
                    : throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be >= 0");

    /// <summary><c>1 / (1 + exp(-k (t/T - mid)))</c>; k = 20, mid = 0.7 is the default for randomly initialized students.</summary>
    public static ReplacementProbability Sigmoid(double steepness = 20, double midpoint = 0.7) =>
        new($"sigmoid({steepness:G4}, {midpoint:G4})", u => 1 / (1 + Math.Exp(-steepness * (u - midpoint))));

    /// <summary><c>t / T</c>.</summary>
    public static ReplacementProbability Linear() => new("linear", u => u);

    /// <summary>The same probability at every t; 0 turns random conditioning off.</summary>
    public static ReplacementProbability Constant(double p) =>
        p is >= 0 and <= 1 ? new($"constant({p:G4})", _ => p) : throw new ArgumentOutOfRangeException(nameof(p), p, "a probability must lie in [0, 1]");

    /// <summary>No replacement: plain knowledge distillation on D's own captions.</summary>
    public static ReplacementProbability Off => Constant(0);

    /// <summary>Any function of u = t/T; values outside [0, 1] are an error when evaluated.</summary>
    public static ReplacementProbability Custom(string name, Func<double, double> ofFraction) => new(name, ofFraction);

    /// <summary>The published default: exponential for students initialized from the teacher, sigmoid for random ones.</summary>
    public static ReplacementProbability DefaultFor(bool teacherInitialized) => teacherInitialized ? Exponential() : Sigmoid();

    /// <summary>Parses "exponential", "exponential:3", "sigmoid", "sigmoid:20:0.7", "linear", "constant:0.5", "off".</summary>
    public static ReplacementProbability Parse(string text)
    {
        var parts = text.Split(':');
        double Arg(int i, double fallback) => parts.Length > i
            ? double.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
        return parts[0] switch
        {
            "exponential" => Exponential(Arg(1, 5)),
            "sigmoid" => Sigmoid(Arg(1, 20), Arg(2, 0.7)),
            "linear" => Linear(),
            "constant" => Constant(Arg(1, 0.5)),
            "off" => Off,
            _ => throw new ArgumentException($"unknown p(t) '{text}' (known: exponential[:lambda], sigmoid[:k[:mid]], linear, constant:p, off)"),
        };
    }

    /// <summary>p at step t of a T-step schedule.</summary>
    public double At(int t, int totalSteps)
    {
        if (t < 0 || t >= totalSteps) throw new ArgumentOutOfRangeException(nameof(t), t, $"t must lie in [0, {totalSteps})");
        double p = ofFraction((double)t / totalSteps);
        if (!(p is >= 0 and <= 1)) throw new InvalidOperationException($"p(t) '{Name}' gave {p} at t = {t}; a probability must lie in [0, 1]");
        return p;
    }

    /// <summary>The mean of p over t uniform on {0..T-1}: the expected replacement rate.</summary>
    public double Mean(int totalSteps) => Enumerable.Range(0, totalSteps).Average(t => At(t, totalSteps));

    /// <summary>p for every step 0..T-1 as a Float32 (T) table, to gather from with a batch of t.</summary>
    public Tensor Table(int totalSteps, Device? device = null) =>
        Torch.FromArray(Enumerable.Range(0, totalSteps).Select(t => (float)At(t, totalSteps)).ToArray(), device: device);

    public override string ToString() => Name;
}
