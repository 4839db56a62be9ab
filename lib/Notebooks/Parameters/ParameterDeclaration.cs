using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RandCond.Notebooks.Parameters;

/// <summary>
/// A variable declared at the top level of the parameters cell. <see cref="TypeName"/> is the C# keyword of its
/// type (int, long, double, float, bool, string), from the declared type or, for <c>var</c>, from the literal;
/// null when the type is something an override cannot be written for.
/// </summary>
public sealed record ParameterDeclaration(string Name, string? TypeName)
{
    public static readonly IReadOnlyList<string> SupportedTypes = ["int", "long", "double", "float", "bool", "string"];

    /// <summary>The top-level variables of a cell's source, in order.</summary>
    public static IReadOnlyList<ParameterDeclaration> Parse(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script));
        var result = new List<ParameterDeclaration>();
        foreach (var member in tree.GetCompilationUnitRoot().Members)
        {
            var declaration = member switch
            {
                FieldDeclarationSyntax field => field.Declaration,
                GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local } => local.Declaration,
                _ => null,
            };
            if (declaration is null) continue;
            foreach (var variable in declaration.Variables)
                result.Add(new(variable.Identifier.ValueText, TypeOf(declaration.Type, variable.Initializer?.Value)));
        }
        return result;
    }

    private static string? TypeOf(TypeSyntax declared, ExpressionSyntax? initializer)
    {
        if (declared is PredefinedTypeSyntax predefined)
        {
            var keyword = predefined.Keyword.ValueText;
            return SupportedTypes.Contains(keyword) ? keyword : null;
        }
        if (declared is not IdentifierNameSyntax { IsVar: true }) return null;
        if (initializer is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } negated)
            initializer = negated.Operand;
        return initializer is LiteralExpressionSyntax literal
            ? literal.Token.Value switch
            {
                int => "int",
                long => "long",
                double => "double",
                float => "float",
                bool => "bool",
                string => "string",
                _ => null,
            }
            : null;
    }
}
