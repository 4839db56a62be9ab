using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// A trained teacher as one object: its network, its tokenizer and its configuration (U-Net, condition encoder, noise
/// schedule, guidance scale, caption length) as its file stores them, with the file and its fingerprint (the SHA-256 that
/// keys every cached D and student checkpoint made from it). Load one with <see cref="Load"/>; it owns the network.
/// </summary>
public sealed class TeacherPipeline : IDisposable
{
    private readonly Lazy<string> fingerprint;

    /// <param name="fingerprint">what keys the caches made from this teacher; null: the SHA-256 of the file at <paramref name="path"/>
    /// (give one for a teacher that was never saved, e.g. in a test)</param>
    public TeacherPipeline(string path, TextDiffusionModel model, WordTokenizer tokenizer, TeacherPreset config, IReadOnlyDictionary<string, string> metadata,
        string? fingerprint = null)
    {
        (Path, Model, Tokenizer, Config, Metadata) = (path, model, tokenizer, config, metadata);
        this.fingerprint = new Lazy<string>(() => fingerprint ?? GeneratedImageSet.FileFingerprint(path));
    }

    /// <summary>The teacher file at <paramref name="path"/> in float32 on the device, frozen and in eval mode (<see cref="TeacherFile.Load"/>).</summary>
    public static TeacherPipeline Load(string path, Device? device = null) => TeacherFile.Load(path, device);

    public string Path { get; }
    public TextDiffusionModel Model { get; }
    public WordTokenizer Tokenizer { get; }
    /// <summary>What the file stores of how the teacher is built and used: U-Net, encoder, schedule, guidance, caption length, training recipe.</summary>
    public TeacherPreset Config { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    /// <summary>The SHA-256 of the teacher's file.</summary>
    public string Fingerprint => fingerprint.Value;
    public DatasetKind Dataset => Config.Dataset;
    public double GuidanceScale => Config.GuidanceScale;
    public int CaptionLength => Config.MaxCaptionLength;

    /// <summary>The teacher's noise schedule (owned by the caller: dispose it).</summary>
    public NoiseSchedule Schedule() => Config.Schedule();

    /// <summary>Int64 (|captions|, <see cref="CaptionLength"/>): the captions as the teacher's tokens on the device.</summary>
    public Tensor Encode(CaptionCorpus captions, Device device) => captions.Encode(Tokenizer, CaptionLength, device);

    /// <summary>Int64 (count, <see cref="CaptionLength"/>): the null caption, for guidance and condition dropout.</summary>
    public Tensor NullTokens(int count, Device device) => Tokenizer.NullTokens(count, CaptionLength, device);

    /// <summary><c>var (model, tokenizer, config, metadata) = TeacherPipeline.Load(path)</c>, for code that wants the parts.</summary>
    public void Deconstruct(out TextDiffusionModel model, out WordTokenizer tokenizer, out TeacherPreset config, out IReadOnlyDictionary<string, string> metadata) =>
        (model, tokenizer, config, metadata) = (Model, Tokenizer, Config, Metadata);

    public void Dispose() => Model.Dispose();
}
