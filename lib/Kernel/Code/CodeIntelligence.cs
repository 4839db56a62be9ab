using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using RandCond.Notebooks.Execution;

namespace RandCond.Kernel.Code;

/// <summary>
/// Answers is_complete, complete and inspect requests with Roslyn's own parser and semantic model. It keeps a
/// compile-only copy of the cells the executor accepted (the executor does not expose its script state), so
/// completions see earlier cells' variables, types and #r references without running anything.
/// </summary>
public sealed class CodeIntelligence
{
    // Must match CellExecutor's defaults so that the copy compiles like the executed cells.
    private static readonly string[] DefaultImports =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text",
        "System.Threading", "System.Threading.Tasks",
    ];

    private static readonly CSharpParseOptions ScriptParse =
        CSharpParseOptions.Default.WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Latest);

    private static readonly ImmutableArray<string> Keywords =
        [.. SyntaxFacts.GetKeywordKinds().Concat(SyntaxFacts.GetContextualKeywordKinds()).Select(SyntaxFacts.GetText).Distinct()];

    private readonly ScriptOptions _options;
    private readonly object _lock = new();
    private Script? _accepted;

    public CodeIntelligence(string baseDirectory)
    {
        baseDirectory = Path.GetFullPath(baseDirectory);
        _options = ScriptOptions.Default
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory))
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, baseDirectory))
            .AddReferences(typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(Console).Assembly, typeof(CellGlobals).Assembly)
            .AddImports(DefaultImports);
    }

    /// <summary>Records a cell the executor compiled and kept in its state, so later requests see its declarations.</summary>
    public void Accept(string code)
    {
        lock (_lock) _accepted = Continue(code);
    }

    /// <summary>"complete", "incomplete" (more input expected) or "invalid" (complete but will not compile).</summary>
    public static string IsComplete(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, ScriptParse);
        if (!SyntaxFactory.IsCompleteSubmission(tree)) return "incomplete";
        return tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) ? "invalid" : "complete";
    }

    /// <summary>Names that can follow the cursor: members after a dot, otherwise symbols in scope and keywords.</summary>
    public CompletionResult Complete(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var start = cursor;
        while (start > 0 && (char.IsLetterOrDigit(code[start - 1]) || code[start - 1] == '_')) start--;
        var prefix = code[start..cursor];

        var (model, root) = Analyze(code);
        IEnumerable<string> names;
        if (start > 0 && code[start - 1] == '.')
        {
            names = MemberNames(model, root, start - 1);
        }
        else
        {
            names = model.LookupSymbols(start).Where(s => s.CanBeReferencedByName).Select(s => s.Name).Concat(Keywords);
        }
        var matches = names
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .OrderBy(n => n.StartsWith(prefix, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(n => n, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new CompletionResult(matches, start, cursor);
    }

    /// <summary>The signature or type of the symbol at the cursor, e.g. "(local) int x" or a method's signature; null if none.</summary>
    public string? Inspect(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var (model, root) = Analyze(code);
        foreach (var position in new[] { cursor, cursor - 1 })
        {
            if (position < 0 || position >= root.FullSpan.End) continue;
            var token = root.FindToken(position);
            if (!token.IsKind(SyntaxKind.IdentifierToken) || token.Parent is not { } node) continue;
            var info = model.GetSymbolInfo(node);
            var symbol = info.Symbol ?? model.GetDeclaredSymbol(node) ?? info.CandidateSymbols.FirstOrDefault();
            if (symbol is null) continue;
            var text = Describe(symbol);
            var overloads = info.CandidateSymbols.Length > 1 ? info.CandidateSymbols : [];
            return overloads.Length > 1 ? string.Join("\n", overloads.Select(Describe)) : text;
        }
        return null;
    }

    private static string Describe(ISymbol symbol) => symbol switch
    {
        ILocalSymbol local => $"(local) {local.Type.ToDisplayString()} {local.Name}",
        IFieldSymbol field => $"(field) {field.Type.ToDisplayString()} {field.ToDisplayString()}",
        IPropertySymbol property => $"(property) {property.Type.ToDisplayString()} {property.ToDisplayString()}",
        IParameterSymbol parameter => $"(parameter) {parameter.Type.ToDisplayString()} {parameter.Name}",
        IMethodSymbol method => $"(method) {method.ReturnType.ToDisplayString()} {method.ToDisplayString()}",
        INamedTypeSymbol type => $"({type.TypeKind.ToString().ToLowerInvariant()}) {type.ToDisplayString()}",
        _ => $"({symbol.Kind.ToString().ToLowerInvariant()}) {symbol.ToDisplayString()}",
    };

    private static IEnumerable<string> MemberNames(SemanticModel model, SyntaxNode root, int dotPosition)
    {
        var dot = root.FindToken(dotPosition);
        ExpressionSyntax? left = dot.Parent switch
        {
            MemberAccessExpressionSyntax access => access.Expression,
            QualifiedNameSyntax qualified => qualified.Left,
            _ => null,
        };
        if (left is null) return [];
        var symbol = model.GetSymbolInfo(left).Symbol;
        switch (symbol)
        {
            case INamespaceSymbol ns:
                return ns.GetMembers().Where(m => m.CanBeReferencedByName).Select(m => m.Name);
            case INamedTypeSymbol type: // a type name: its static members and nested types
                return model.LookupStaticMembers(dotPosition, type).Where(m => m.CanBeReferencedByName).Select(m => m.Name)
                    .Concat(type.GetTypeMembers().Select(m => m.Name));
        }
        var instanceType = model.GetTypeInfo(left).Type;
        if (instanceType is null || instanceType.TypeKind == TypeKind.Error) return [];
        return model.LookupSymbols(dotPosition + 1, instanceType, includeReducedExtensionMethods: true)
            .Where(m => m.CanBeReferencedByName && (!m.IsStatic || m is IMethodSymbol { MethodKind: MethodKind.ReducedExtension }))
            .Select(m => m.Name);
    }

    private (SemanticModel Model, SyntaxNode Root) Analyze(string code)
    {
        var compilation = Continue(code).GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        return (compilation.GetSemanticModel(tree), tree.GetRoot());
    }

    private Script Continue(string code)
    {
        lock (_lock)
            return _accepted is null ? CSharpScript.Create(code, _options, typeof(CellGlobals)) : _accepted.ContinueWith(code); // options are inherited; see CellExecutor
    }
}

/// <summary>Completion matches and the range [CursorStart, CursorEnd) of the code they replace (UTF-16 indices).</summary>
public sealed record CompletionResult(IReadOnlyList<string> Matches, int CursorStart, int CursorEnd);
