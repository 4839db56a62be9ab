using RandCond.Cli.Lab;

namespace RandCond.Tests.Distillation.Sfddm;

/// <summary>The sfddm verb is registered and refuses bad options before it loads anything.</summary>
public class SfddmLabArgumentTests
{
    [Theory]
    [InlineData("--students", "100,0", "--students: '0'")]
    [InlineData("--students", "ten", "--students: 'ten'")]
    [InlineData("--index-list", "trailing", "--index-list: unknown 'trailing'")]
    [InlineData("--stepz", "5", "Unrecognized command or argument '--stepz'")]
    [InlineData("--lr-schedule", "linear", "--lr-schedule: Argument 'linear' not recognized")]
    [InlineData("--clip-x0", "0", "--clip-x0: must be positive")]
    [InlineData("--steps", "abc", "--steps")]
    [InlineData("--device", "tpu", "--device: unknown device 'tpu'")]
    public void BadOptionsFailWithTheirName(string option, string value, string expected)
    {
        Assert.Contains("sfddm", LabCommands.Verbs);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = LabCommands.Run(["sfddm", "--dataset", "mnist", option, value], stdout, stderr);
        Assert.Equal(2, code);
        Assert.Contains(expected, Assert.Single(stderr.ToString().TrimEnd().Split('\n')));
        Assert.Equal("", stdout.ToString());
    }
}
