using System.Text;
using System.Text.RegularExpressions;

namespace RandCond.Notebooks.Parameters;

/// <summary>
/// Papermill's parameters, for C#: the cell tagged "parameters" declares the knobs with their defaults;
/// overrides go into a new cell tagged "injected-parameters" placed right after it, which redeclares them
/// (a later script submission may redeclare a variable). An older injected cell is always removed first,
/// so the values in effect are exactly the defaults plus the overrides given now.
/// </summary>
public static partial class ParameterInjector
{
    public const string ParametersTag = "parameters";
    public const string InjectedTag = "injected-parameters";

    /// <summary>Parses "name=value" arguments (the value may contain '=' and be empty).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseAssignments(IEnumerable<string> assignments)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=');
            var name = eq > 0 ? assignment[..eq].Trim() : "";
            if (!Identifier().IsMatch(name))
                throw new NotebookParameterException($"'{assignment}' is not of the form name=value");
            result.Add(new(name, assignment[(eq + 1)..]));
        }
        return result;
    }

    /// <summary>Applies overrides to the notebook; returns the injected cell, or null when there are none.</summary>
    public static NotebookCell? Inject(Notebook notebook, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        notebook.Cells.RemoveAll(c => c.HasTag(InjectedTag));
        var given = overrides.GroupBy(o => o.Key).Select(g => g.Last()).ToList(); // the last of repeated names wins
        if (given.Count == 0) return null;

        var parametersCell = notebook.Cells.FirstOrDefault(c => c.IsCode && c.HasTag(ParametersTag))
            ?? throw new NotebookParameterException(
                $"parameters were given ({string.Join(", ", given.Select(g => g.Key))}) but no code cell is tagged '{ParametersTag}'");
        var declared = ParameterDeclaration.Parse(parametersCell.Source)
            .GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.Last());

        var unknown = given.Where(g => !declared.ContainsKey(g.Key)).Select(g => g.Key).ToList();
        if (unknown.Count > 0)
            throw new NotebookParameterException(
                $"unknown parameter{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}: " +
                $"the parameters cell declares {(declared.Count == 0 ? "nothing" : string.Join(", ", declared.Keys))}");

        var source = new StringBuilder("// Parameters injected by randcond\n");
        foreach (var (name, value) in given)
        {
            var type = declared[name].TypeName ?? "?";
            source.Append($"{type} {name} = {ParameterLiteral.Format(name, type, value)};\n");
        }
        var cell = PolyglotFormat.CodeCell(source.ToString().TrimEnd('\n'),
            notebook.UsesCellIds ? Notebook.NewCellId() : null, InjectedTag);
        notebook.Cells.Insert(notebook.Cells.IndexOf(parametersCell) + 1, cell);
        return cell;
    }

    [GeneratedRegex(@"^@?[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
