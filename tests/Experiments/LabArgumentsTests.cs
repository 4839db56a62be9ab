using RandCond.Experiments;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Labs;

public class LabArgumentsTests
{
    [Fact]
    public void Cuda_graphs_are_on_by_default_on_a_cuda_device_and_off_on_the_cpu()
    {
        Assert.True(new LabArguments([]).CudaGraph(Device.CUDA()));
        Assert.False(new LabArguments([]).CudaGraph(Device.CPU));
    }

    [Fact]
    public void An_explicit_cuda_graph_flag_wins_over_the_default()
    {
        Assert.False(new LabArguments(["--cuda-graph", "false"]).CudaGraph(Device.CUDA()));
        Assert.True(new LabArguments(["--cuda-graph", "true"]).CudaGraph(Device.CPU));
    }

    [Fact]
    public void A_cuda_graph_flag_that_is_not_a_boolean_is_refused_by_name()
    {
        var e = Assert.ThrowsAny<Exception>(() => new LabArguments(["--cuda-graph", "yes"]).CudaGraph(Device.CUDA()));
        Assert.Contains("cuda-graph", e.Message);
    }

    [Fact]
    public void An_option_given_twice_is_refused_rather_than_the_last_one_winning()
    {
        var e = Assert.Throws<ArgumentException>(() => new LabArguments(["--steps", "2", "--steps", "3"]));
        Assert.Contains("--steps", e.Message);
    }

    [Theory]
    [InlineData("--")]
    [InlineData("steps")]
    public void A_bare_word_or_dashes_without_a_name_is_refused(string arg)
    {
        var e = Assert.Throws<ArgumentException>(() => new LabArguments([arg]));
        Assert.Contains($"'{arg}'", e.Message);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("ten")]
    public void A_number_that_does_not_parse_or_overflows_is_a_usage_error_naming_the_option(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => new LabArguments(["--steps", value]).Int("steps", 1));
        Assert.Contains($"--steps: '{value}'", e.Message);
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
