using RandCond.Diffusion;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Distillation;

/// <summary>
/// What a distillation run trains, for any student network: the network (an <see cref="INoisePredictor"/> that is a
/// <see cref="Module"/>, registered as "student") and the projections of its matched features ("proj"), trained
/// alongside and dropped after. The optimizer and the EMA take every trainable parameter of it. A student without
/// feature matching has no pairs (and no projections). <see cref="DistillationStudent"/> is the U-Net student.
/// </summary>
public class StudentModel : Module
{
    /// <param name="network">the student; must be a <see cref="Module"/> (its parameters are what distillation trains)</param>
    /// <param name="pairs">the student features matched to the teacher's, by name; empty for output distillation only</param>
    /// <param name="label">names the student in logs and checkpoints</param>
    public StudentModel(INoisePredictor network, IReadOnlyList<FeaturePair> pairs, string label, Device? device = null)
    {
        if (network is not Module weights)
            throw new ArgumentException($"the student network ({network.GetType().Name}) must be a Module: distillation trains its parameters", nameof(network));
        if (string.IsNullOrWhiteSpace(label)) throw new ArgumentException("the student needs a label (it names the run's checkpoints)", nameof(label));
        Network = network;
        Register("student", weights);
        Pairs = pairs;
        Projections = Register("proj", new FeatureProjections(pairs, device));
        Label = label;
    }

    /// <summary>The student network: what predicts the noise, and what is kept after distillation.</summary>
    public INoisePredictor Network { get; }
    public IReadOnlyList<FeaturePair> Pairs { get; }
    public FeatureProjections Projections { get; }
    public string Label { get; }
}
