using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Data.Toy;
using RandCond.Diffusion;
using RandCond.Metrics;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// The README's main job, on the CPU from committed files: (1) the paper's Fig. 5 numbers, the overlap of two
/// conditional 2-D distributions as noise grows (closed form); (2) the committed MNIST teacher samples every
/// digit with DDIM and guidance, and the committed classifier checks that each sample shows the digit asked for.
/// </summary>
public static class QuickstartLab
{
    /// <summary>The quickstart verb: <paramref name="perClass"/> teacher samples of every digit with DDIM in <paramref name="steps"/> steps.</summary>
    public static int Run(Device device, int perClass, int steps, TextWriter log)
    {
        var json = RunRecord.Header("quickstart", device);

        using (var schedule = NoiseSchedule.Linear(TeacherPreset.TimeSteps))
        {
            var toy = ToyPresets.TwoConditions();
            int[] ts = [0, .. ToyPresets.Figure5Timesteps, TeacherPreset.TimeSteps - 1];
            var overlap = ToyPresets.OverlapByTimestep(toy, schedule, ts);
            log.WriteLine("Fig. 5: overlap of the two conditions' noised distributions (total-variation overlap, closed form)");
            var rows = new JsonArray();
            for (int i = 0; i < ts.Length; i++)
            {
                log.WriteLine($"  t = {ts[i],4}: {overlap[i]:F4}");
                rows.Add(new JsonObject { ["t"] = ts[i], ["overlap"] = overlap[i] });
            }
            json["toy_overlap"] = rows;
        }

        var (teacher, tokenizer, preset, _) = TeacherFile.Load(RepoPaths.Data("teachers", "mnist-teacher.safetensors"), device);
        using var __ = teacher;
        var (classifier, _) = ClassifierCheckpoint.Load(RepoPaths.Data("classifiers", ClassifierLab.FileName(DatasetKind.Mnist)), device);
        using var ___ = classifier;
        log.WriteLine($"MNIST teacher ({teacher.ParameterCount / 1e6:F2} M parameters): {perClass} samples per digit, DDIM {steps} steps, guidance {preset.GuidanceScale}, on {RunRecord.DeviceName(device)} ...");
        var clock = Stopwatch.StartNew();
        var (images, labels, rate) = TeacherLab.Sample(teacher, tokenizer, preset, DatasetKind.Mnist, perClass, steps, preset.GuidanceScale, device, seed: 7);
        using var i1 = images;
        using var l1 = labels;
        using var outputs = ClassifierOutputs.Collect(classifier, images);
        var accuracy = ConditionAccuracy.FromLogits(outputs.Logits, labels);
        var folder = RepoPaths.ResultsOut();
        var grid = Path.Combine(folder, "quickstart-mnist-samples.png");
        TeacherLab.SaveGrid(images, perClass, DatasetKind.Mnist.ClassNames(), grid, columns: Math.Min(perClass, 10));
        log.WriteLine($"  per-condition accuracy {accuracy.Overall:P1} ({clock.Elapsed.TotalSeconds:F0} s, {rate:F1} images/s) -> {grid}");
        json["teacher_samples"] = labels.Size(0);
        json["teacher_accuracy"] = accuracy.Overall;
        json["teacher_per_class_accuracy"] = new JsonArray(accuracy.PerClass.Select(v => (JsonNode?)v).ToArray());
        json["sampling_images_per_second"] = rate;
        json["sample_grid"] = Path.GetFileName(grid);
        var path = ResultFiles.Write(Path.Combine(folder, $"quickstart-{(device.IsCuda ? "cuda" : "cpu")}.json"), json);
        log.WriteLine($"-> {path}");
        return 0;
    }
}
