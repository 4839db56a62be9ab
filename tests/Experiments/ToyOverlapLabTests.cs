using RandCond.Cli.Lab;
using System.Text.Json.Nodes;
using RandCond.Data.Toy;
using RandCond.Diffusion;
using RandCond.Experiments;

// Not RandCond.Tests.Experiments: that namespace would hide RandCond.Experiments from tests that write "Experiments.X".
namespace RandCond.Tests.Labs;

public class ToyOverlapLabTests
{
    [Fact]
    public void Overlap_grows_with_t_from_near_0_to_near_1()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        var rows = ToyOverlapLab.Overlaps(ToyPresets.TwoConditions(), schedule, ToyOverlapLab.Timesteps);

        Assert.Equal([0, 200, 400, 600, 800, 999], rows.Select(r => r.T));
        Assert.True(rows[0].Overlap < 1e-3, $"overlap at t = 0 is {rows[0].Overlap}");
        Assert.True(rows[^1].Overlap > 0.98, $"overlap at t = 999 is {rows[^1].Overlap}");
        for (int i = 1; i < rows.Count; i++)
            Assert.True(rows[i].Overlap > rows[i - 1].Overlap + 0.03, $"overlap does not grow from t = {rows[i - 1].T} ({rows[i - 1].Overlap}) to t = {rows[i].T} ({rows[i].Overlap})");
        Assert.All(rows, r => Assert.Equal(schedule.AlphaBar(r.T), r.AlphaBar));
    }

    [Fact]
    public void Overlap_of_a_condition_with_itself_is_1_and_of_far_apart_ones_is_0()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        var a = ToyPresets.TwoConditions().Conditions[0];
        var far = new GaussianMixture2D(Gaussian2D.Isotropic(4, 4, 0.05));
        Assert.InRange(ToyOverlapLab.Overlaps(new ConditionalGaussianMixture2D([a, a]), schedule, [0, 500])[1].Overlap, 0.999, 1.001);
        Assert.True(ToyOverlapLab.Overlaps(new ConditionalGaussianMixture2D([a, far]), schedule, [0])[0].Overlap < 1e-6);
    }

    [Fact]
    public void Noised_points_keep_x0_and_eps_across_t()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        var points = ToyOverlapLab.NoisedPoints(ToyPresets.TwoConditions(), schedule, [0, 999], 2000, seed: 3);

        // t = 0: condition A's points sit on its modes (-2, 0) and (0, 2), where x + y is about -2 or 2 and x - y about -2.
        var xs = points.X[0][0];
        var ys = points.Y[0][0];
        Assert.All(xs.Zip(ys), p => Assert.InRange(p.First - p.Second, -4, 0));
        // t = 999: all but a trace of the signal is gone, so the points are close to N(0, I).
        var late = points.X[1][1].Concat(points.Y[1][1]).ToArray();
        double mean = late.Average(), variance = late.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.08, 0.08);
        Assert.InRange(variance, 0.9, 1.1);
        var again = ToyOverlapLab.NoisedPoints(ToyPresets.TwoConditions(), schedule, [0, 999], 2000, seed: 3);
        Assert.Equal(points.X[1][1], again.X[1][1]);
    }

    [Fact]
    public void The_verb_writes_the_overlaps_and_a_slider_figure()
    {
        var dir = Directory.CreateTempSubdirectory("randcond-toy-");
        try
        {
            var outBase = Path.Combine(dir.FullName, "toy-overlap");
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            int code = LabCommands.Run(["toy-overlap", "--out", dir.FullName, "--points", "50", "--png", "false"], stdout, stderr);

            Assert.True(code == 0, stderr.ToString());
            var json = JsonNode.Parse(File.ReadAllText(outBase + ".json"))!;
            Assert.Equal("toy-overlap", (string?)json["experiment"]);
            Assert.False(string.IsNullOrEmpty((string?)json["git_commit"]));
            var rows = json["rows"]!.AsArray();
            Assert.Equal(ToyOverlapLab.Timesteps, rows.Select(r => (int)r!["t"]!));
            using var schedule = NoiseSchedule.Linear(1000);
            var expected = ToyOverlapLab.Overlaps(ToyPresets.TwoConditions(), schedule, ToyOverlapLab.Timesteps);
            Assert.Equal(expected.Select(r => r.Overlap), rows.Select(r => (double)r!["overlap"]!));
            Assert.Contains("999", stdout.ToString());

            var html = File.ReadAllText(outBase + ".html");
            Assert.Contains("\"sliders\"", html);
            Assert.Equal(ToyOverlapLab.Timesteps.Length, html.Split("\"method\":\"update\"").Length - 1); // one slider step per t
            Assert.False(File.Exists(outBase + ".png"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
