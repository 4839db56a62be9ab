using RandCond.Data;
using RandCond.Experiments;

namespace RandCond.Tests.Labs;

public sealed class AblationsLabTests
{
    [Theory]
    [InlineData("family-random", 5)]
    [InlineData("family-teacher", 2)]
    [InlineData("images", 4)]
    [InlineData("captions", 2)]
    public void Smoke_run_writes_one_row_per_arm_with_finite_scores_and_its_files(string study, int arms)
    {
        // family-teacher runs two of the families to keep the test short; family-random checks the default five.
        string[] args = study == "family-teacher" ? ["--study", study, "--scale", "smoke", "--families", "off,exponential"] : ["--study", study, "--scale", "smoke"];
        var folder = RepoPaths.ResultsFor("smoke");
        var stem = Path.Combine(folder, $"ablation-{study}-smoke-cpu");
        foreach (var ext in new[] { ".json", ".md", ".tex", ".html", ".png" }) File.Delete(stem + ext);

        var result = AblationsLab.Execute(new LabArguments(args), TextWriter.Null);

        var rows = result.Record["rows"]!.AsArray();
        Assert.Equal(arms, rows.Count);
        Assert.Equal(arms + 1, result.Table.Rows.Count);   // the teacher first
        string[] metrics = study == "family-teacher" ? ["fd", "accuracy", "group_fd", "group_accuracy"] : ["fd", "held_out_accuracy", "seen_accuracy"];
        foreach (var row in rows)
            foreach (var metric in metrics)
                Assert.True(double.IsFinite((double)row![metric]!), $"{study}: {row["arm"]} {metric} = {row[metric]}");
        Assert.All(rows, r => Assert.InRange((double)r!["accuracy"]!, 0, 1));
        Assert.Equal("ablations", result.Record["experiment"]!.GetValue<string>());
        Assert.Equal(study, result.Record["study"]!.GetValue<string>());
        Assert.NotNull(result.Record["git_commit"]);
        foreach (var ext in new[] { ".json", ".md", ".tex", ".html", ".png" })
            Assert.True(File.Exists(stem + ext), $"{study} did not write {stem + ext}");

        switch (study)
        {
            case "family-random":
                Assert.Equal(["constant(0)", "linear", "exponential(5)", "sigmoid(20, 0.7)", "constant(0.5)"],
                             rows.Select(r => r!["replacement"]!.GetValue<string>()).ToArray());
                break;
            case "family-teacher":
                Assert.Equal(["constant(0)", "exponential(5)"], rows.Select(r => r!["replacement"]!.GetValue<string>()).ToArray());
                Assert.All(rows, r => Assert.Equal(14L, (long)r!["image_set_size"]!));   // seven classes without footwear
                break;
            case "images":
                Assert.Equal([1, 1, 2, 2], rows.Select(r => (int)r!["images_per_class"]!).ToArray());
                Assert.Equal([9L, 9L, 18L, 18L], rows.Select(r => (long)r!["image_set_size"]!).ToArray());   // nine seen digits
                Assert.Equal([0.0, 0.0], rows.Where((_, i) => i % 2 == 0).Select(r => (double)r!["replacement_mean"]!).ToArray());
                break;
            case "captions":
                Assert.Equal([10, 20], rows.Select(r => (int)r!["text_corpus_size"]!).ToArray());
                break;
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(280)]
    public void Caption_subsets_have_the_size_asked_are_balanced_and_keep_the_held_out_digits_captions(int size)
    {
        var full = CaptionCorpus.Full(DatasetKind.Mnist);
        var subset = BalancedCaptions.Subset(full, size);

        Assert.Equal(size, subset.Count);
        Assert.All(Enumerable.Range(0, 10), digit => Assert.Equal(size / 10, subset.CaptionsOf(digit).Count));
        Assert.True(full.Covers(subset));
        var three = subset.CaptionsOf(3);
        Assert.NotEmpty(three);
        Assert.All(three, caption => Assert.Contains(caption, full.CaptionsOf(3)));
        var smaller = BalancedCaptions.Subset(full, 10);
        Assert.True(subset.Covers(smaller));   // nested: a larger subset holds every smaller one
    }

    [Fact]
    public void Caption_subsets_of_impossible_sizes_are_refused()
    {
        var full = CaptionCorpus.Full(DatasetKind.Mnist);
        Assert.Contains("multiple", Assert.Throws<ArgumentException>(() => BalancedCaptions.Subset(full, 15)).Message);
        Assert.Contains("per class", Assert.Throws<ArgumentException>(() => BalancedCaptions.Subset(full, 290)).Message);
    }

    [Fact]
    public void Unknown_or_missing_study_names_the_known_ones()
    {
        foreach (var args in new[] { new[] { "--study", "widths" }, new[] { "--scale", "smoke" } })
        {
            var error = Assert.Throws<ArgumentException>(() => AblationsLab.Execute(new LabArguments(args), TextWriter.Null));
            foreach (var known in AblationsLab.Studies) Assert.Contains(known, error.Message);
        }
        var stderr = new StringWriter();
        Assert.Equal(2, LabCommands.Run(["ablations", "--study", "widths"], TextWriter.Null, stderr));
        Assert.Contains("widths", stderr.ToString());
        Assert.Contains("family-teacher", stderr.ToString());
    }
}
