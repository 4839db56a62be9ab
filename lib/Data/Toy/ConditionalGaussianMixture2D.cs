using RandCond.Tensors;

namespace RandCond.Data.Toy;

/// <summary>
/// Toy conditional data: one 2-D Gaussian mixture per condition, plus condition weights that define the
/// unconditional (marginal) mixture sum_c w_c p(x | c). Conditions are integer labels 0..C-1; the label
/// <see cref="Unconditional"/> stands for the marginal.
/// </summary>
public sealed class ConditionalGaussianMixture2D
{
    /// <summary>The label of the unconditional (null) condition.</summary>
    public const long Unconditional = -1;

    private readonly GaussianMixture2D[] mixtures;
    private readonly double[] conditionWeights;

    public ConditionalGaussianMixture2D(IReadOnlyList<GaussianMixture2D> mixtures, IReadOnlyList<double>? conditionWeights = null,
                                        IReadOnlyList<string>? names = null)
    {
        if (mixtures.Count == 0) throw new ArgumentException("ConditionalGaussianMixture2D: no conditions", nameof(mixtures));
        var w = conditionWeights?.ToArray() ?? Enumerable.Repeat(1.0, mixtures.Count).ToArray();
        if (w.Length != mixtures.Count)
            throw new ArgumentException($"ConditionalGaussianMixture2D: {w.Length} condition weights for {mixtures.Count} conditions", nameof(conditionWeights));
        for (int c = 0; c < w.Length; c++)
            if (!(w[c] > 0) || !double.IsFinite(w[c]))
                throw new ArgumentOutOfRangeException(nameof(conditionWeights), $"ConditionalGaussianMixture2D: condition weight[{c}] = {w[c]}, expected a positive number");
        if (names is not null && names.Count != mixtures.Count)
            throw new ArgumentException($"ConditionalGaussianMixture2D: {names.Count} names for {mixtures.Count} conditions", nameof(names));
        double total = w.Sum();
        this.conditionWeights = w.Select(v => v / total).ToArray();
        this.mixtures = mixtures.ToArray();
        Names = (names ?? Enumerable.Range(0, mixtures.Count).Select(c => c.ToString()).ToArray()).ToArray();

        // One table over every condition's components: rows 0..C-1 are the conditions, row C the marginal.
        var components = this.mixtures.SelectMany(m => m.Components).ToArray();
        var rows = new double[mixtures.Count + 1][];
        int offset = 0;
        for (int c = 0; c <= mixtures.Count; c++) rows[c] = new double[components.Length];
        for (int c = 0; c < mixtures.Count; c++)
        {
            for (int k = 0; k < this.mixtures[c].Weights.Count; k++)
            {
                rows[c][offset + k] = this.mixtures[c].Weights[k];
                rows[mixtures.Count][offset + k] = this.conditionWeights[c] * this.mixtures[c].Weights[k];
            }
            offset += this.mixtures[c].Weights.Count;
        }
        Table = new ComponentTable(components, rows);
    }

    /// <summary>A single unconditional mixture seen as one condition (label 0; the marginal is the same mixture).</summary>
    public static ConditionalGaussianMixture2D Single(GaussianMixture2D mixture) => new([mixture]);

    public int ConditionCount => mixtures.Length;
    public IReadOnlyList<GaussianMixture2D> Conditions => Array.AsReadOnly(mixtures);
    public IReadOnlyList<double> ConditionWeights => Array.AsReadOnly(conditionWeights);
    public IReadOnlyList<string> Names { get; }
    internal ComponentTable Table { get; }

    /// <summary>The unconditional mixture sum_c w_c p(x | c).</summary>
    public GaussianMixture2D Marginal() => new(
        mixtures.SelectMany((m, c) => m.Weights.Select(w => conditionWeights[c] * w)).ToArray(),
        mixtures.SelectMany(m => m.Components).ToArray());

    /// <summary>One point per label in <paramref name="conditions"/> (B, int64; <see cref="Unconditional"/> draws from the marginal): (B, 2) float64.</summary>
    public Tensor Sample(Tensor conditions, Generator? generator = null, Device? device = null)
    {
        using var scope = Torch.NewDisposeScope();
        var (points, _) = Table.Sample(TableRows(conditions), generator, device ?? conditions.Device);
        return points.MoveToOuterScope();
    }

    /// <summary>n points of one condition (or <see cref="Unconditional"/>): (n, 2) float64.</summary>
    public Tensor Sample(long n, long condition, Generator? generator = null, Device? device = null)
    {
        using var labels = Torch.Full([n], condition, DType.Int64, generator?.Device ?? device ?? Device.CPU);
        return Sample(labels, generator, device);
    }

    /// <summary>The mixture rows of the component table for condition labels (B): label c → c, <see cref="Unconditional"/> → C.</summary>
    internal Tensor TableRows(Tensor conditions)
    {
        if (conditions.Dim != 1 || conditions.DType.IsFloatingPoint())
            throw new ArgumentException($"ConditionalGaussianMixture2D: condition labels must be a 1-D integer tensor, got {conditions.Describe()}", nameof(conditions));
        using var scope = Torch.NewDisposeScope();
        var labels = conditions.To(DType.Int64);
        if (labels.NumEl > 0 && (labels.Min().Item() < Unconditional || labels.Max().Item() >= ConditionCount))
            throw new ArgumentOutOfRangeException(nameof(conditions), $"ConditionalGaussianMixture2D: labels must be in [0, {ConditionCount}) or {Unconditional} (unconditional)");
        return labels.Where(labels.Ne(Unconditional), Torch.FullLike(labels, ConditionCount)).MoveToOuterScope();
    }
}
