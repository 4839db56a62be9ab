using RandCond.Kernel.Code;
using Xunit;

namespace RandCond.Tests.Kernel;

public class CodeIntelligenceTests
{
    [Theory]
    [InlineData("var x = 1;", "complete")]
    [InlineData("for (var i = 0; i < 3; i++) {", "incomplete")]
    [InlineData("var s = \"\"\"\nabc", "incomplete")]
    [InlineData("x +", "incomplete")]
    [InlineData("int x = );", "invalid")]
    public void Is_complete_follows_the_script_parser(string code, string expected) =>
        Assert.Equal(expected, CodeIntelligence.IsComplete(code));

    [Fact]
    public void Completion_after_a_dot_lists_members_of_a_variable_from_an_earlier_cell()
    {
        var intelligence = new CodeIntelligence(Path.GetTempPath());
        intelligence.Accept("var words = new List<string> { \"a\" };");

        var result = intelligence.Complete("words.Co", 8);

        Assert.Contains("Count", result.Matches);
        Assert.Contains("Contains", result.Matches);
        Assert.DoesNotContain("Add", result.Matches);
        Assert.Equal((6, 8), (result.CursorStart, result.CursorEnd));
        Assert.Contains("Select", intelligence.Complete("words.", 6).Matches); // extension methods too
    }

    [Fact]
    public void Completion_without_a_dot_lists_variables_globals_types_and_keywords()
    {
        var intelligence = new CodeIntelligence(Path.GetTempPath());
        intelligence.Accept("int counter = 3;");

        Assert.Contains("counter", intelligence.Complete("cou", 3).Matches);
        Assert.Contains("display", intelligence.Complete("var a = disp", 12).Matches);
        Assert.Contains("Console", intelligence.Complete("Cons", 4).Matches);
        Assert.Contains("foreach", intelligence.Complete("fore", 4).Matches);
        Assert.Contains("WriteLine", intelligence.Complete("Console.Wri", 11).Matches);
    }

    [Fact]
    public void Inspect_describes_the_symbol_under_the_cursor()
    {
        var intelligence = new CodeIntelligence(Path.GetTempPath());
        intelligence.Accept("double rate = 0.5;");

        Assert.Equal("(field) double rate", intelligence.Inspect("rate * 2", 2));
        Assert.Contains("Math.Sqrt(double)", intelligence.Inspect("Math.Sqrt(rate)", 7));
        Assert.Null(intelligence.Inspect("   ", 1));
    }
}
