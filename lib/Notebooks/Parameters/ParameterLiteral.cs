using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace RandCond.Notebooks.Parameters;

/// <summary>Turns an override's text into a C# literal of the parameter's type.</summary>
public static class ParameterLiteral
{
    public static string Format(string name, string typeName, string value)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = value.Trim();
        string Fail() => throw new NotebookParameterException($"parameter '{name}': '{value}' is not a valid {typeName}");
        return typeName switch
        {
            "int" => int.TryParse(text, NumberStyles.Integer, invariant, out var i) ? i.ToString(invariant) : Fail(),
            "long" => long.TryParse(text.TrimEnd('L', 'l'), NumberStyles.Integer, invariant, out var l) ? l.ToString(invariant) + "L" : Fail(),
            "double" => double.TryParse(text.TrimEnd('D', 'd'), NumberStyles.Float, invariant, out var d) ? Double(d) : Fail(),
            "float" => float.TryParse(text.TrimEnd('F', 'f'), NumberStyles.Float, invariant, out var f) ? Float(f) : Fail(),
            "bool" => bool.TryParse(text, out var b) ? (b ? "true" : "false") : Fail(),
            "string" => SymbolDisplay.FormatLiteral(value, quote: true),
            _ => throw new NotebookParameterException(
                $"parameter '{name}' has a type that cannot be overridden (supported: {string.Join(", ", ParameterDeclaration.SupportedTypes)})"),
        };
    }

    private static string Double(double d) =>
        double.IsNaN(d) ? "double.NaN"
        : double.IsPositiveInfinity(d) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
        : WithDecimalMark(d.ToString("R", CultureInfo.InvariantCulture));

    private static string Float(float f) =>
        float.IsNaN(f) ? "float.NaN"
        : float.IsPositiveInfinity(f) ? "float.PositiveInfinity"
        : float.IsNegativeInfinity(f) ? "float.NegativeInfinity"
        : f.ToString("R", CultureInfo.InvariantCulture) + "f";

    // "5" would be an int literal; "5.0" and "1E-05" are double literals.
    private static string WithDecimalMark(string s) => s.IndexOfAny(['.', 'E', 'e']) >= 0 ? s : s + ".0";
}
