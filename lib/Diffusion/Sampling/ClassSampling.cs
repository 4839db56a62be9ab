using System.Diagnostics;
using RandCond.Data;
using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>Samples of every class of a caption corpus from a text-conditioned model, with any sampler and classifier-free guidance.</summary>
public static class ClassSampling
{
    /// <summary>
    /// perClass samples of every class (class-major order), a caption per sample drawn from <paramref name="corpus"/>,
    /// guided by <paramref name="guidance"/> against the null caption; returns images clamped to [-1, 1], their
    /// labels (on <paramref name="device"/>) and the sampling throughput. <paramref name="progress"/> hears of every
    /// denoising step of every batch (of every graphed batch, once it is done). <paramref name="paths"/> picks how the
    /// walk runs (<see cref="SamplingPaths"/>; null: eager float32, as on the CPU); the noise and captions are the same on
    /// every path.
    /// </summary>
    /// <param name="captionTokens">Int64 (captions, L): the corpus tokenized</param>
    /// <param name="nullTokens">Int64 (L): the null caption</param>
    /// <param name="imageShape">(C, H, W) of one image</param>
    public static (Tensor Images, Tensor Labels, double ImagesPerSecond) EveryClass(
        TextDiffusionModel model, Sampler sampler, CaptionCorpus corpus, Tensor captionTokens, Tensor nullTokens,
        int perClass, double guidance, long[] imageShape, Device device, ulong seed, int batch = 500,
        IProgress<ClassSamplingProgress>? progress = null, SamplingPaths? paths = null)
    {
        if (imageShape.Length != 3) throw new ArgumentException($"ClassSampling: imageShape must be (C, H, W), got {imageShape.Length} dimensions", nameof(imageShape));
        using var gen = new Generator(seed);
        using var labels = Torch.Arange(corpus.NumClasses).RepeatInterleave(perClass, 0).To(device);
        using var captions = corpus.SampleForLabels(labels, gen);
        using var tokens = captionTokens.IndexSelect(0, captions);
        using var walker = new GuidedBatchSampler(model, sampler, nullTokens, guidance, paths ?? SamplingPaths.Eager);
        var parts = new List<Tensor>();
        var clock = Stopwatch.StartNew();
        long total = labels.Size(0), batches = (total + batch - 1) / batch, stepsBefore = 0;
        try
        {
            for (long start = 0; start < total; start += batch)
            {
                long n = Math.Min(batch, total - start), done = start;
                double shownRate = done > 0 ? done / Math.Max(clock.Elapsed.TotalSeconds, 1e-9) : double.NaN;
                Action<SamplingStep>? onStep = progress is null ? null : s =>
                {
                    bool lastOfBatch = s.Index + 1 == s.Count;
                    if (lastOfBatch) (done, shownRate) = (start + n, (start + n) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9));
                    progress.Report(new ClassSamplingProgress(stepsBefore + s.Index + 1, batches * s.Count, done, total, shownRate));
                    if (lastOfBatch) stepsBefore += s.Count;
                };
                using var scope = Torch.NewDisposeScope();
                var noise = GaussianNoise.Sample([n, .. imageShape], DType.Float32, device, gen);
                parts.Add(walker.Sample(noise, tokens.Narrow(0, start, n), gen, onStep).DetachFromDisposeScope());
            }
            if (device.IsCuda) Cuda.Synchronize(device.Index);
            double rate = labels.Size(0) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            return (Torch.Cat(parts).Clamp(-1, 1), labels.Alias(), rate);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }
}
