using System.Collections.ObjectModel;
using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// A variance-preserving noise schedule over T steps (DESIGN.md section 4): betas, alphas = 1 - beta and
/// alpha-bar (ab_t, the cumulative product of the alphas), on the host in float64 and, on demand, as
/// tensors on a device (cached per device and dtype; dispose the schedule to free them).
/// </summary>
public sealed class NoiseSchedule : IDisposable
{
    private readonly double[] betas, alphas, alphaBars;
    private readonly Dictionary<(Device, DType), ScheduleTensors> cache = new();
    private readonly Lock gate = new();

    private NoiseSchedule(double[] alphaBars, IReadOnlyList<int>? parentIndices)
    {
        this.alphaBars = alphaBars;
        alphas = new double[alphaBars.Length];
        betas = new double[alphaBars.Length];
        for (int t = 0; t < alphaBars.Length; t++)
        {
            alphas[t] = t == 0 ? alphaBars[0] : alphaBars[t] / alphaBars[t - 1];
            betas[t] = 1 - alphas[t];
        }
        ParentIndices = parentIndices;
    }

    /// <summary>A schedule from its betas; each must lie in (0, 1).</summary>
    public static NoiseSchedule FromBetas(IReadOnlyList<double> betas)
    {
        if (betas.Count == 0) throw new ArgumentException("NoiseSchedule.FromBetas: betas is empty", nameof(betas));
        var ab = new double[betas.Count];
        double product = 1;
        for (int t = 0; t < betas.Count; t++)
        {
            if (!(betas[t] > 0 && betas[t] < 1))
                throw new ArgumentOutOfRangeException(nameof(betas), $"NoiseSchedule.FromBetas: beta[{t}] = {betas[t]}, expected a value in (0, 1)");
            product *= 1 - betas[t];
            ab[t] = product;
        }
        return new NoiseSchedule(ab, null);
    }

    public static NoiseSchedule Linear(int steps = 1000, double start = 1e-4, double end = 0.02) =>
        FromBetas(BetaSchedules.Linear(steps, start, end));

    public static NoiseSchedule ScaledLinear(int steps = 1000, double start = 0.00085, double end = 0.012) =>
        FromBetas(BetaSchedules.ScaledLinear(steps, start, end));

    public static NoiseSchedule Cosine(int steps = 1000, double offset = 0.008, double maxBeta = 0.999) =>
        FromBetas(BetaSchedules.Cosine(steps, offset, maxBeta));

    /// <summary>
    /// The schedule of a student that uses only some of this schedule's steps (SFDDM): ab'_k = ab_{indices[k]}
    /// for any strictly increasing list of indices in [0, T). Its betas follow as 1 - ab'_k / ab'_{k-1}
    /// (beta'_0 = 1 - ab'_0), so samplers and q_sample treat it like any other schedule; step k of the new
    /// schedule is step <see cref="ParentIndices"/>[k] of this one.
    /// </summary>
    public NoiseSchedule Subsequence(IReadOnlyList<int> indices)
    {
        Timesteps.Validate(indices, Steps, nameof(indices));
        var ab = new double[indices.Count];
        for (int k = 0; k < ab.Length; k++) ab[k] = alphaBars[indices[k]];
        return new NoiseSchedule(ab, Array.AsReadOnly(indices.ToArray()));
    }

    /// <summary>T, the number of steps.</summary>
    public int Steps => alphaBars.Length;

    public IReadOnlyList<double> Betas => Array.AsReadOnly(betas);
    public IReadOnlyList<double> Alphas => Array.AsReadOnly(alphas);
    public IReadOnlyList<double> AlphaBars => Array.AsReadOnly(alphaBars);

    /// <summary>For a schedule made by <see cref="Subsequence"/>: the parent's step for each of its steps; else null.</summary>
    public IReadOnlyList<int>? ParentIndices { get; }

    public double AlphaBar(int t) => alphaBars[CheckStep(t)];

    /// <summary>The schedule as tensors of <paramref name="dtype"/> on <paramref name="device"/>, made once and cached.</summary>
    public ScheduleTensors On(Device device, DType dtype = DType.Float32)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!cache.TryGetValue((device, dtype), out var tensors))
            {
                tensors = ScheduleTensors.Create(betas, alphas, alphaBars, ParentIndices, device, dtype);
                cache[(device, dtype)] = tensors;
            }
            return tensors;
        }
    }

    /// <summary>sqrt(ab_t) for a batch of integer timesteps t (B), shaped (B, 1, ..., 1) to broadcast against <paramref name="like"/>.</summary>
    public Tensor SqrtAlphaBar(Tensor t, Tensor like) => Gather(On(like.Device, like.DType).SqrtAlphaBars, t, like);

    /// <summary>sqrt(1 - ab_t) for a batch of integer timesteps t (B), shaped (B, 1, ..., 1) to broadcast against <paramref name="like"/>.</summary>
    public Tensor SqrtOneMinusAlphaBar(Tensor t, Tensor like) => Gather(On(like.Device, like.DType).SqrtOneMinusAlphaBars, t, like);

    /// <summary>ab_t for a batch of integer timesteps t (B), shaped (B, 1, ..., 1) to broadcast against <paramref name="like"/>.</summary>
    public Tensor AlphaBar(Tensor t, Tensor like) => Gather(On(like.Device, like.DType).AlphaBars, t, like);

    private static Tensor Gather(Tensor table, Tensor t, Tensor like)
    {
        if (t.Dim != 1)
            throw new ArgumentException($"NoiseSchedule: timesteps must be a 1-D integer tensor (B), got {t.Describe()}", nameof(t));
        if (t.DType.IsFloatingPoint())
            throw new ArgumentException($"NoiseSchedule: timesteps must be integers, got {t.Describe()}", nameof(t));
        long batch = t.Size(0);
        if (like.Dim == 0 || like.Size(0) != batch)
            throw new ArgumentException($"NoiseSchedule: {batch} timesteps for a tensor of shape {like.Describe()}; expected one per row", nameof(t));
        using var scope = Torch.NewDisposeScope();
        var index = t.Device == table.Device && t.DType == DType.Int64 ? t : t.To(table.Device, DType.Int64);
        var shape = new long[like.Dim];
        Array.Fill(shape, 1L);
        shape[0] = batch;
        return table.IndexSelect(0, index).View(shape).MoveToOuterScope();
    }

    private int CheckStep(int t) =>
        t >= 0 && t < Steps ? t : throw new ArgumentOutOfRangeException(nameof(t), t, $"timestep outside [0, {Steps})");

    private bool disposed;

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            foreach (var tensors in cache.Values) tensors.Dispose();
            cache.Clear();
        }
    }
}
