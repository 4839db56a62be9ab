using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Tests.Training;

/// <summary>
/// The one training loop on a linear model: a run interrupted and resumed ends bit for bit where an uninterrupted one
/// does, a finished run called again replays its whole curve, and a checkpoint of another model, recipe, loss terms or
/// format, or a corrupt one, is refused with the file and what differs named.
/// </summary>
public sealed class TrainingLoopTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rc-training-loop-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private string PathOf(string name) => Path.Combine(dir, name);

    /// <summary>A linear regression run: the model and its EMA, and what the loop returned.</summary>
    private sealed record Run(TrainingOutcome Outcome, float[] Model, float[] Ema);

    private static Run Train(string? checkpoint, int outFeatures = 3, string[]? terms = null, Dictionary<string, string>? recipe = null,
                             Func<int, bool>? cancelAfterReport = null, bool forbidSteps = false)
    {
        Torch.ManualSeed(4);
        using var model = new Linear(4, outFeatures);
        using var ema = new Linear(4, outFeatures);
        using var optimizer = new AdamW(model, lr: 0.05);
        var average = new Ema(model, ema, 0.9);
        using var data = new Generator(1);
        using var x = Torch.Randn([32, 4], data);
        using var y = Torch.Randn([32, outFeatures], data);
        using var generator = new Generator(0);
        using var cancel = new CancellationTokenSource();
        var loop = new TrainingLoop
        {
            Steps = 10, BatchSize = 8, Terms = terms ?? ["loss", "twice"], LogEvery = 2, CheckpointEvery = 3,
            LearningRates = new LearningRateSchedule(0.05, 2, Cosine: true),
            Parts = new([("model", model), ("ema", ema)], [CheckpointOptimizer.Of("opt", optimizer)]),
            CheckpointPath = checkpoint, Recipe = recipe ?? new Dictionary<string, string> { ["data"] = "regression" },
        };
        Tensor Step(int step)
        {
            Assert.False(forbidSteps, $"step {step} ran, but the run had finished");
            generator.Seed(100UL + (ulong)step);
            var index = Torch.Randint(0, 32, [8], generator);
            var loss = F.MseLoss(model.Forward(x.IndexSelect(0, index)), y.IndexSelect(0, index));
            loss.Backward();
            optimizer.Step();
            optimizer.ZeroGrad();
            average.Update(step);
            var terms = Torch.Stack([loss.Detach(), loss.Detach() * 2]);
            return terms.Narrow(0, 0, loop.Terms.Count);
        }
        var outcome = loop.Run(Step, r => { if (!r.Restored && cancelAfterReport?.Invoke(r.Step) == true) cancel.Cancel(); }, cancel.Token);
        return new Run(outcome, Weights(model), Weights(ema));
    }

    private static float[] Weights(Module m) => m.Parameters().SelectMany(p => p.Data.ToArray<float>()).ToArray();

    [Fact]
    public void A_run_interrupted_inside_a_report_window_and_resumed_ends_bit_for_bit_where_an_uninterrupted_one_does()
    {
        var whole = Train(PathOf("whole.safetensors"));
        Assert.Equal(10, whole.Outcome.Steps);
        Assert.Equal([2, 4, 6, 8, 10], whole.Outcome.Reports.Select(r => r.Step));

        // Checkpoints every 3 steps, reports every 2: stopped after the report of step 4, it resumes from step 3.
        var checkpoint = PathOf("interrupted.safetensors");
        Assert.ThrowsAny<OperationCanceledException>(() => Train(checkpoint, cancelAfterReport: step => step == 4));
        var resumed = Train(checkpoint);

        Assert.Equal(10, resumed.Outcome.Steps);
        Assert.Equal([true, false, false, false, false], resumed.Outcome.Reports.Select(r => r.Restored));
        Assert.Equal(whole.Outcome.Reports.Select(r => (r.Step, r.Means[0], r.Means[1])), resumed.Outcome.Reports.Select(r => (r.Step, r.Means[0], r.Means[1])));
        Assert.Equal(whole.Model, resumed.Model);
        Assert.Equal(whole.Ema, resumed.Ema);
        Assert.NotEqual(whole.Model, whole.Ema);
    }

    [Fact]
    public void A_finished_run_called_again_runs_no_step_and_replays_its_whole_curve_from_the_checkpoint()
    {
        var checkpoint = PathOf("finished.safetensors");
        var first = Train(checkpoint);
        var again = Train(checkpoint, forbidSteps: true);

        Assert.Equal(10, again.Outcome.Steps);
        Assert.All(again.Outcome.Reports, r => Assert.True(r.Restored));
        Assert.Equal(first.Outcome.Reports.Select(r => (r.Step, r.Means[0], r.Means[1], r.ImagesPerSecond)),
                     again.Outcome.Reports.Select(r => (r.Step, r.Means[0], r.Means[1], r.ImagesPerSecond)));
        Assert.Equal(first.Model, again.Model);
        Assert.Equal(first.Ema, again.Ema);
    }

    [Fact]
    public void A_checkpoint_of_another_module_shape_is_refused_naming_the_file_and_the_tensors()
    {
        var checkpoint = PathOf("shape.safetensors");
        Train(checkpoint, outFeatures: 3);
        var e = Assert.Throws<InvalidDataException>(() => Train(checkpoint, outFeatures: 2));
        Assert.Contains(checkpoint, e.Message);
        Assert.Contains("'model.weight' has shape [3, 4], this run's [2, 4]", e.Message);
        Assert.Contains("'ema.bias' has shape [3], this run's [2]", e.Message);
    }

    [Fact]
    public void A_checkpoint_of_another_recipe_or_other_loss_terms_is_refused_naming_the_entry()
    {
        var checkpoint = PathOf("recipe.safetensors");
        Train(checkpoint, recipe: new() { ["lr"] = "0.05" });
        var recipe = Assert.Throws<InvalidDataException>(() => Train(checkpoint, recipe: new() { ["lr"] = "0.5" }));
        Assert.Contains(checkpoint, recipe.Message);
        Assert.Contains("its lr is '0.05', this run's is '0.5'", recipe.Message);
        var missing = Assert.Throws<InvalidDataException>(() => Train(checkpoint, recipe: new() { ["lr"] = "0.05", ["seed"] = "1" }));
        Assert.Contains("its seed is not recorded", missing.Message);
        var terms = Assert.Throws<InvalidDataException>(() => Train(checkpoint, terms: ["loss"], recipe: new() { ["lr"] = "0.05" }));
        Assert.Contains($"its {TrainingLoop.TermsKey} is 'loss,twice', this run's is 'loss'", terms.Message);
    }

    [Fact]
    public void A_checkpoint_of_an_older_format_a_corrupt_or_a_missing_file_is_refused_naming_the_file()
    {
        var old = PathOf("old.safetensors");
        using (var w = Torch.Zeros([3, 4]))
            Safetensors.Save(old, new Dictionary<string, Tensor> { ["model.weight"] = w }, new Dictionary<string, string> { ["training_step"] = "3" });
        var e = Assert.Throws<InvalidDataException>(() => Train(old));
        Assert.Contains(old, e.Message);
        Assert.Contains("older format", e.Message);

        var corrupt = PathOf("corrupt.safetensors");
        File.WriteAllBytes(corrupt, [1, 2, 3]);
        var c = Assert.Throws<InvalidDataException>(() => Train(corrupt));
        Assert.Contains(corrupt, c.Message);
        Assert.Contains("not a readable checkpoint", c.Message);

        var missing = PathOf("missing.safetensors");
        using var module = new Linear(4, 3);
        var m = Assert.Throws<FileNotFoundException>(() => TrainingCheckpoint.Load(missing, new([("model", module)], []), new Dictionary<string, string>()));
        Assert.Contains(missing, m.Message);
    }

    [Fact]
    public void A_part_name_given_twice_is_refused()
    {
        using var a = new Linear(2, 2);
        var parts = new CheckpointParts([("model", a), ("model", a)], []);
        var e = Assert.Throws<ArgumentException>(() => TrainingCheckpoint.Save(PathOf("twice.safetensors"), parts, 1, new Dictionary<string, string>()));
        Assert.Contains("'model' is given twice", e.Message);
        Assert.False(File.Exists(PathOf("twice.safetensors")));
    }
}
