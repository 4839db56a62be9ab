using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Distillation.CoDi;

/// <summary>
/// The optimizer of a CoDi run: AdamW over the conditional encoder ("cond.*") at LearningRate, over the mixing gates ("mu") at
/// LearningRate x GateLearningRateScale and, unless the run is parameter-efficient, over the backbone U-Net at LearningRate x
/// BackboneLearningRateScale; each step first clips the global gradient norm over all groups to MaxGradNorm, as the official
/// code does.
/// </summary>
public sealed class CoDiOptimizer : IDisposable
{
    public const string BranchGroup = "branch";
    public const string GateGroup = "gate";
    public const string BackboneGroup = "backbone";

    private readonly List<(string Name, AdamW Optimizer)> groups = [];
    private readonly Parameter[] parameters;
    private readonly double? maxGradNorm;

    /// <summary>Also sets RequiresGrad: true exactly for the parameters this run trains.</summary>
    public CoDiOptimizer(CoDiModel model, CoDiOptions options)
    {
        var trainable = model.TrainableParameters(options.ParameterEfficient);
        var trainableSet = trainable.Select(p => p.Parameter).ToHashSet();
        foreach (var p in model.Parameters()) p.RequiresGrad = trainableSet.Contains(p);
        var branch = trainable.Where(p => IsBranch(p.Name) && !IsGate(p.Name)).ToArray();
        var gates = trainable.Where(p => IsGate(p.Name)).ToArray();
        var backbone = trainable.Where(p => !IsBranch(p.Name)).ToArray();
        groups.Add((BranchGroup, new AdamW(branch, lr: options.LearningRate, weightDecay: options.WeightDecay)));
        groups.Add((GateGroup, new AdamW(gates, lr: options.LearningRate * options.GateLearningRateScale, weightDecay: options.WeightDecay)));
        if (backbone.Length > 0)
            groups.Add((BackboneGroup, new AdamW(backbone, lr: options.LearningRate * options.BackboneLearningRateScale, weightDecay: options.WeightDecay)));
        parameters = trainable.Select(p => p.Parameter).ToArray();
        maxGradNorm = options.MaxGradNorm;
    }

    /// <summary>The parameter groups by name ("branch", "gate", and "backbone" unless parameter-efficient).</summary>
    public IReadOnlyList<(string Name, AdamW Optimizer)> Groups => groups;

    public static bool IsBranch(string parameterName) => parameterName.StartsWith("cond.", StringComparison.Ordinal) || IsGate(parameterName);

    public static bool IsGate(string parameterName) => parameterName == "mu";

    /// <summary>Clips (when configured) and updates every group.</summary>
    public void Step()
    {
        if (maxGradNorm is { } max) GradClip.ClipGradNorm(parameters, max).Dispose();
        foreach (var (_, optimizer) in groups) optimizer.Step();
    }

    public void ZeroGrad()
    {
        foreach (var (_, optimizer) in groups) optimizer.ZeroGrad();
    }

    /// <summary>Every group's moments and metadata, keys prefixed by "GROUP.".</summary>
    public (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) StateDict()
    {
        var tensors = new Dictionary<string, Tensor>();
        var meta = new Dictionary<string, string>();
        foreach (var (name, optimizer) in groups)
        {
            var (t, m) = optimizer.StateDict();
            foreach (var (k, v) in t) tensors[$"{name}.{k}"] = v;
            foreach (var (k, v) in m) meta[$"{name}.{k}"] = v;
        }
        return (tensors, meta);
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (name, optimizer) in groups)
        {
            string prefix = name + ".";
            optimizer.LoadStateDict(
                tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value),
                metadata.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value));
        }
    }

    public void Dispose()
    {
        foreach (var (_, optimizer) in groups) optimizer.Dispose();
    }
}
