using RandCond.Diffusion;
using RandCond.Distillation.CoDi;
using RandCond.Plotting;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// One batch of the CoDi step, made visible: the images x and their conditions c, z_t = a_t x + s_t eps, the model's signal
/// estimate x^_theta(z_t, t, c), the PREv point z^_s = a_s x^ + s_s eps made from the EMA target's estimate at t with the
/// real noise, the target's estimate x^_EMA(z^_s, s, c) that the consistency term pulls x^_theta towards, and the loss terms
/// exactly as <see cref="CoDiLoss.Compute"/> computes them for this batch.
/// </summary>
/// <param name="Grid">one row per image set above, one column per image</param>
public sealed record CoDiStepPreview(int T, int S, double Consistency, double Guidance, double Total, ImageGrid Grid)
{
    /// <summary>The step at <paramref name="t"/> (s = t - SkipSteps) on the first <paramref name="batch"/> training images, with noise from <paramref name="seed"/>.</summary>
    public static CoDiStepPreview Of(CoDiBench bench, CoDiModel model, CoDiModel target, int t, CoDiOptions? options = null, int batch = CoDiBench.GridImages, ulong seed = 0)
    {
        options ??= bench.Config.Options("codi");
        int s = t - options.SkipSteps;
        var schedule = bench.Schedule;
        using var scope = Torch.NewDisposeScope();
        var x0 = bench.TrainImages.Narrow(0, 0, Math.Min(batch, bench.TrainImages.Size(0)));
        var condition = bench.Task.Condition(x0);
        using var generator = new Generator(seed);
        var eps = Torch.Randn(x0.Shape, generator).To(x0.Device);
        var terms = CoDiLoss.Compute(model, target, schedule, x0, condition, t, s, eps, options);
        ImageGrid grid;
        using (Torch.NoGrad())
        {
            var tt = Torch.Full([x0.Size(0)], t, DType.Int64, x0.Device);
            var ss = Torch.Full([x0.Size(0)], s, DType.Int64, x0.Device);
            var zt = ForwardProcess.QSample(schedule, x0, tt, eps);
            var xHat = Parameterization.X0FromEpsilon(schedule, zt, tt, model.Forward(zt, tt, condition));
            var source = options.ZsSource == CoDiZsSource.Target ? target : model;
            var sourceEps = source.Forward(zt, tt, condition);
            var zs = CoDiPredictors.PredictZs(options.Predictor, schedule, Parameterization.X0FromEpsilon(schedule, zt, tt, sourceEps), sourceEps, eps, ss);
            var xTarget = Parameterization.X0FromEpsilon(schedule, zs, ss, target.Forward(zs, ss, condition));
            (string, Tensor)[] rows =
            [
                ("x", x0), ("condition c", condition), ($"z_t, t={t}", zt), ($"x^ student", xHat),
                ($"z^_s, s={s}", zs), ("x^_EMA(z^_s)", xTarget),
            ];
            var cpu = rows.Select(r => r.Item2.Clamp(-1, 1).Cpu().Float().Contiguous()).ToArray();
            var shape = cpu[0].Shape;
            grid = ImageGrid.FromPixels(cpu.SelectMany(x => x.ToArray<float>()).ToArray(), rows.Length * (int)shape[0], (int)shape[1], (int)shape[2], (int)shape[3],
                    Plotting.PixelRange.MinusOneToOne)
                .Columns((int)shape[0]).Upscale(2).Padding(2).RowLabels(rows.Select(r => r.Item1).ToArray());
        }
        return new CoDiStepPreview(t, s, terms.Consistency.Item(), terms.Guidance.Item(), terms.Total.Item(), grid);
    }

    public override string ToString() =>
        $"t = {T}, s = {S}: consistency {Consistency:G4} + guidance {Guidance:G4} = loss {Total:G4}";
}
