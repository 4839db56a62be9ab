using System.CommandLine;
using System.Text.RegularExpressions;
using RandCond.Cli.Lab;
using RandCond.Experiments;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Labs;

/// <summary>The lab verbs' command tree: typed options, their defaults and their errors (each verb's mapping has its lab's tests).</summary>
public class LabCommandsTests
{
    [Fact]
    public void Cuda_graphs_are_on_by_default_on_a_cuda_device_and_off_on_the_cpu()
    {
        Assert.True(new SfddmCommand().Config("--device", "cuda").CudaGraph);
        Assert.False(new SfddmCommand().Config("--device", "cpu").CudaGraph);
    }

    [Fact]
    public void An_explicit_cuda_graph_flag_wins_over_the_default_and_alone_means_true()
    {
        Assert.False(new SfddmCommand().Config("--device", "cuda", "--cuda-graph", "false").CudaGraph);
        Assert.True(new SfddmCommand().Config("--cuda-graph", "true").CudaGraph);
        Assert.True(new SfddmCommand().Config("--cuda-graph", "--scale", "smoke").CudaGraph);
    }

    [Fact]
    public void A_cuda_graph_flag_that_is_not_a_boolean_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new SfddmCommand().Config("--cuda-graph", "yes"));
        Assert.Contains("'yes'", e.Message);   // a switch takes only true or false, so 'yes' is left over as an unknown argument
    }

    [Fact]
    public void An_option_given_twice_is_refused_rather_than_the_last_one_winning()
    {
        var e = Assert.Throws<ArgumentException>(() => new HeldOutDigitCommand().Config("--steps", "2", "--steps", "3"));
        Assert.Contains("--steps", e.Message);
    }

    [Theory]
    [InlineData("steps")]
    [InlineData("-x")]
    [InlineData("--stpes")]
    public void A_bare_word_or_an_unknown_option_is_refused(string arg)
    {
        var e = Assert.Throws<ArgumentException>(() => new HeldOutDigitCommand().Config(arg));
        Assert.Contains($"'{arg}'", e.Message);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("ten")]
    public void A_number_that_does_not_parse_or_overflows_is_a_usage_error_naming_the_option(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => new HeldOutDigitCommand().Config("--steps", value));
        Assert.Contains($"'{value}'", e.Message);
        Assert.Contains("--steps", e.Message);
    }

    [Fact]
    public void Numbers_read_the_same_in_every_culture()
    {
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var config = new HeldOutDigitCommand().Config("--lr", "0.5", "--feature-weight", "2e-1", "--time-budget-min", "1.25");
            Assert.Equal((0.5, 0.2, 1.25), (config.LearningRate, config.FeatureWeight, config.TimeBudgetMinutes));
            Assert.Contains("--lr: '0,5' is not a number", Assert.Throws<ArgumentException>(() => new HeldOutDigitCommand().Config("--lr", "0,5")).Message);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData("held-out-digit", "--steps", "abc", "--steps")]
    [InlineData("held-out-digit", "--held-out", "12", "--held-out: expected 0 to 9; got 12")]
    [InlineData("held-out-digit", "--device", "tpu", "--device: unknown device 'tpu'")]
    [InlineData("distillation-table", "--sources", "synthetic", "--sources")]
    [InlineData("codi", "--task", "sr3", "--task")]
    [InlineData("train-teacher", "--size", "huge", "--size")]
    [InlineData("toy-overlap", "--points", "0", "--points: expected a positive number; got 0")]
    public void A_bad_value_exits_2_with_one_line_naming_the_option_and_no_stack_trace(string verb, string option, string value, string expected)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(2, LabCommands.Run([verb, option, value], stdout, stderr));
        var line = Assert.Single(stderr.ToString().TrimEnd().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        Assert.Contains($"randcond-lab {verb} --help", line);
        Assert.Equal("", stdout.ToString());
    }

    /// <summary>Every option the verbs took when they read "--name value" by hand keeps its name.</summary>
    [Theory]
    [InlineData("quickstart", "--device --samples-per-class --steps")]
    [InlineData("toy-overlap", "--device --points --seed --png")]
    [InlineData("train-classifier", "--dataset --device --epochs")]
    [InlineData("train-teacher", "--dataset --size --device --steps --batch --time-budget-min --checkpoint")]
    [InlineData("eval-teacher", "--dataset --size --teacher --classifier --device --samples-per-class --steps --guidance")]
    [InlineData("altered-conditioning", "--scale --device --seed")]
    [InlineData("held-out-digit", "--scale --held-out --conditioning --device --student --teacher --replacement --steps --batch --lr --lr-schedule " +
                                  "--feature-weight --time-budget-min --images-per-digit --samples-per-digit --cuda-graph --bf16 --channels-last " +
                                  "--graphed-sampling --bf16-sampling --graphed-step --bf16-step")]
    [InlineData("distillation-table", "--dataset --scale --device --exclude --students --sources --steps --time-budget-min --teacher --cuda-graph --bf16 " +
                                      "--channels-last --graphed-sampling --bf16-sampling --graphed-step --bf16-step")]
    [InlineData("ablations", "--study --scale --device --families --image-sizes --caption-sizes --held-out --exclude --steps --time-budget-min --teacher " +
                             "--cuda-graph --bf16 --channels-last --graphed-sampling --bf16-sampling --graphed-step --bf16-step")]
    [InlineData("sfddm", "--dataset --scale --device --students --steps --batch --lr --lr-schedule --warmup --time-budget-min --cuda-graph " +
                         "--samples-per-class --index-list --guidance --clip-x0 --seed --size --teacher --classifier --checkpoint-dir --log-every --checkpoint-every")]
    [InlineData("codi", "--scale --dataset --task --device --variants --sampling-steps --finetune-steps --clip-x0 --steps --batch --time-budget-min " +
                        "--eval-images --train-images --lr --ema --gate-lr-scale --backbone-lr-scale --seed --size --teacher --classifier --checkpoint-dir")]
    public void Every_verb_keeps_its_options_and_takes_out_and_record(string verb, string options)
    {
        var command = LabCommands.Create().Single(c => c.Name == verb);
        var names = command.Options.Select(o => o.Name).ToHashSet();
        foreach (var option in options.Split(' ').Append("--out").Append("--record")) Assert.Contains(option, names);
        Assert.All(command.Options.Where(o => o.Name != "--help"), o => Assert.False(string.IsNullOrWhiteSpace(o.Description), o.Name));
    }

    [Fact]
    public void A_verbs_help_comes_from_its_options_with_the_presets_defaults()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, LabCommands.Run(["held-out-digit", "--help"], stdout, TextWriter.Null));
        var help = stdout.ToString();
        Assert.Contains("--held-out <0-9>", help);
        Assert.Contains($"smoke: {HeldOutDigitConfig.Smoke.DistillSteps}, quick: {HeldOutDigitConfig.Quick.DistillSteps}, " +
                        $"paper: {HeldOutDigitConfig.Paper.DistillSteps}", help);
        Assert.Contains("--lr-schedule <constant|cosine>", help);
    }

    [Fact]
    public void The_lab_exe_lists_every_verb_and_refuses_a_missing_one()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, LabCommands.Run(["--help"], stdout, TextWriter.Null));
        foreach (var verb in LabCommands.Verbs) Assert.Contains($"  {verb} ", stdout.ToString());
        var stderr = new StringWriter();
        Assert.Equal(2, LabCommands.Run([], TextWriter.Null, stderr));
        Assert.Single(stderr.ToString().TrimEnd().Split('\n'));
    }

    /// <summary>Every lab command line the README, docs/ and scripts/ show parses, and maps onto its configuration.</summary>
    [Fact]
    public void The_documented_command_lines_parse()
    {
        var root = RepoPaths.RequireRoot();
        var files = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"))
            .Concat(Directory.GetFiles(Path.Combine(root, "scripts"), "*.sh", SearchOption.AllDirectories));
        var verbs = string.Join("|", LabCommands.Verbs.Select(Regex.Escape));
        var line = new Regex($@"(?:randcond-lab|\blab) ({verbs})((?:[ \t]+[^\s`#>|;&\\]+)*)");
        int checkedLines = 0;
        foreach (var file in files)
            foreach (Match m in line.Matches(File.ReadAllText(file).Replace("\\n", "\n")))
            {
                // Shell variables stand for a number; "$@" and $args for whatever the caller adds.
                var options = m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Where(t => t.Trim('"') is not ("$@" or "$args")).Select(t => t.Contains('$') ? "1" : t.Trim('"'));
                string[] args = [m.Groups[1].Value, .. options, .. file.EndsWith("label-run.sh") ? ["--record"] : Array.Empty<string>()];
                var parsed = LabCommands.Root().Parse(args, LabCommands.ParserSettings);
                Assert.True(parsed.Errors.Count == 0, $"{Path.GetFileName(file)}: {string.Join(' ', args)}: {string.Join("; ", parsed.Errors.Select(LabCommands.Line))}");
                checkedLines++;
            }
        Assert.True(checkedLines >= 15, $"only {checkedLines} documented command lines found");
    }

    [Fact]
    public void A_lab_verb_answers_a_malformed_teacher_with_one_line_naming_the_file_and_exit_code_2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"randcond-bad-teacher-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(file, [1, 2, 3]);
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int exit = LabCommands.Run(["eval-teacher", "--teacher", file], stdout, stderr);
            Assert.Equal(2, exit);
            var lines = stderr.ToString().TrimEnd().Split('\n');
            Assert.Single(lines);
            Assert.StartsWith("error: ", lines[0]);
            Assert.Contains(file, lines[0]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
