using System.Xml.Linq;
using RandCond.Experiments;

namespace RandCond.Tests.Publish;

/// <summary>
/// lab/TrimmerRoots.xml roots RandCond.Lib namespace by namespace (all but the notebook runner and kernel), so that
/// System.Text.Json still finds the members of records and configurations in the trimmed lab. A namespace added to the
/// library and not listed there would be trimmed to what the code calls, and its records written without fields.
/// </summary>
public class TrimmedLabRootsTests
{
    private static readonly string[] LeftOut = ["RandCond.Notebooks", "RandCond.Kernel"];

    [Fact]
    public void Every_namespace_of_the_library_but_the_notebook_runner_and_kernel_is_rooted_and_no_other()
    {
        var descriptor = Path.Combine(RepoPaths.RequireRoot(), "lab", "TrimmerRoots.xml");
        var rooted = XDocument.Load(descriptor).Root!.Elements("assembly")
            .Single(a => (string?)a.Attribute("fullname") == "RandCond.Lib")
            .Elements("namespace").Select(n => (string)n.Attribute("fullname")!).ToHashSet();
        var library = typeof(RepoPaths).Assembly.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.StartsWith("RandCond", StringComparison.Ordinal))
            .Where(n => !LeftOut.Any(left => n == left || n.StartsWith(left + ".", StringComparison.Ordinal)))
            .ToHashSet();

        Assert.True(library.Count > 10, $"found only {library.Count} namespaces in {typeof(RepoPaths).Assembly.GetName().Name}");
        Assert.True(library.SetEquals(rooted),
            $"{descriptor}: missing {string.Join(", ", library.Except(rooted).Order())}; not in the library {string.Join(", ", rooted.Except(library).Order())}");
    }
}
