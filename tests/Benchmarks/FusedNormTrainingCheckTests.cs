using RandCond.Benchmarks;
using RandCond.Tensors;

namespace RandCond.Tests.Benchmarks;

/// <summary>device-check's fused-norm training checks, run on the CPU with the kernels' formulas: the harness passes what is right and fails what is not.</summary>
public class FusedNormTrainingCheckTests
{
    private static List<(string Name, bool Passed, string Detail)> Run(NormTrainingPath path)
    {
        var checks = new List<(string, bool, string)>();
        FusedNormTrainingCheck.Run((name, passed, detail) => checks.Add((name, passed, detail)), Device.CPU, path);
        return checks;
    }

    [Fact]
    public void Every_check_passes_on_the_formulas_and_restores_the_path()
    {
        var checks = Run(NormTrainingPath.Formulas);
        Assert.Equal(NormTrainingPath.Operators, F.NormTraining);
        Assert.Equal(58, checks.Count);
        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.Contains(checks, c => c.Name.Contains("bf16 autocast") && c.Name.Contains("channels-last") && c.Name.Contains("BFloat16 output"));
    }

    [Fact]
    public void The_operators_fail_the_check_that_the_autograd_functions_ran()
    {
        var checks = Run(NormTrainingPath.Operators);
        var ran = Assert.Single(checks, c => c.Name == "fused normalizations' autograd functions ran");
        Assert.False(ran.Passed);
        Assert.Contains("the operators ran", ran.Detail);
    }
}
