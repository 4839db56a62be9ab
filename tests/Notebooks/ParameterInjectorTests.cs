using Xunit;
using RandCond.Notebooks;
using RandCond.Notebooks.Parameters;

namespace RandCond.Tests.Notebooks;

public class ParameterInjectorTests
{
    private static Notebook ParametersFixture() => NotebookFile.Read(Fixtures.PathOf("parameters.ipynb"));

    private static KeyValuePair<string, string>[] Overrides(params string[] assignments) =>
        ParameterInjector.ParseAssignments(assignments).ToArray();

    [Fact]
    public void Injects_a_typed_cell_right_after_the_parameters_cell()
    {
        var notebook = ParametersFixture();

        var cell = ParameterInjector.Inject(notebook, Overrides(
            "steps=5", "seed=7", "lr=1e-3", "quick=False", "label=say \"hi\"\\n", "scale=2"));

        Assert.NotNull(cell);
        Assert.Same(cell, notebook.Cells[2]);
        Assert.True(cell.HasTag("injected-parameters"));
        Assert.Equal("csharp", cell.Language);
        Assert.False(string.IsNullOrEmpty(cell.Id));
        Assert.Equal("""
            // Parameters injected by randcond
            int steps = 5;
            long seed = 7L;
            double lr = 0.001;
            bool quick = false;
            string label = "say \"hi\"\\n";
            double scale = 2.0;
            """.ReplaceLineEndings("\n"), cell.Source);
    }

    [Fact]
    public void Reinjection_replaces_the_older_injected_cell()
    {
        var notebook = ParametersFixture();
        ParameterInjector.Inject(notebook, Overrides("steps=5"));

        ParameterInjector.Inject(notebook, Overrides("steps=6"));

        var injected = Assert.Single(notebook.Cells, c => c.HasTag("injected-parameters"));
        Assert.Contains("int steps = 6;", injected.Source);
        Assert.Equal(4, notebook.Cells.Count);

        Assert.Null(ParameterInjector.Inject(notebook, []));
        Assert.DoesNotContain(notebook.Cells, c => c.HasTag("injected-parameters"));
    }

    [Fact]
    public void Unknown_name_is_an_error_naming_it()
    {
        var error = Assert.Throws<NotebookParameterException>(
            () => ParameterInjector.Inject(ParametersFixture(), Overrides("steps=5", "epochs=3")));
        Assert.Contains("'epochs'", error.Message);
        Assert.DoesNotContain("'steps'", error.Message);
    }

    [Theory]
    [InlineData("steps=many", "'many' is not a valid int")]
    [InlineData("quick=yes", "not a valid bool")]
    [InlineData("lr=fast", "not a valid double")]
    public void Values_must_parse_as_the_declared_type(string assignment, string problem)
    {
        var error = Assert.Throws<NotebookParameterException>(
            () => ParameterInjector.Inject(ParametersFixture(), Overrides(assignment)));
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("noequals")]
    [InlineData("=5")]
    [InlineData("two words=5")]
    public void Assignments_must_be_name_equals_value(string assignment)
    {
        Assert.Throws<NotebookParameterException>(() => ParameterInjector.ParseAssignments([assignment]));
    }

    [Fact]
    public void Value_may_contain_equals_signs_and_be_empty()
    {
        Assert.Equal([new("label", "a=b"), new("empty", "")], Overrides("label=a=b", "empty="));
    }

    [Fact]
    public void Overrides_without_a_parameters_cell_are_an_error()
    {
        var notebook = PolyglotFormat.CreateNotebook();
        notebook.Cells.Add(PolyglotFormat.CodeCell("int steps = 1;"));
        var error = Assert.Throws<NotebookParameterException>(() => ParameterInjector.Inject(notebook, Overrides("steps=2")));
        Assert.Contains("tagged 'parameters'", error.Message);
    }

    [Fact]
    public void Declarations_are_typed_by_declared_type_or_literal()
    {
        var declarations = ParameterDeclaration.Parse("""
            const int a = 1;
            var b = -2.5;
            var c = 3L;
            var d = "x";
            float e = 1;
            var f = DateTime.Now;
            System.Int32 g = 4;
            Console.WriteLine(a);
            """);

        Assert.Equal(
            [new("a", "int"), new("b", "double"), new("c", "long"), new("d", "string"), new("e", "float"), new("f", null), new("g", null)],
            declarations);
    }

    [Fact]
    public void Literals_are_valid_csharp()
    {
        Assert.Equal("double.NaN", ParameterLiteral.Format("x", "double", "NaN"));
        Assert.Equal("1E-05", ParameterLiteral.Format("x", "double", "0.00001"));
        Assert.Equal("0.5f", ParameterLiteral.Format("x", "float", "0.5"));
        Assert.Equal("-3", ParameterLiteral.Format("x", "int", " -3 "));
        Assert.Equal("\"tab\\there\"", ParameterLiteral.Format("x", "string", "tab\there"));
        Assert.Throws<NotebookParameterException>(() => ParameterLiteral.Format("x", "int", "99999999999"));
    }
}
