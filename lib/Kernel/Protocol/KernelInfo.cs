using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis.CSharp;

namespace RandCond.Kernel.Protocol;

/// <summary>The kernel_info_reply content: who we are and how front ends should treat the language.</summary>
internal static class KernelInfo
{
    public const string Implementation = "randcond";
    public const string LanguageName = "csharp";
    public const string MimeType = "text/x-csharp";

    public static JsonObject Content()
    {
        var version = typeof(KernelInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var csharp = LanguageVersion.Latest.MapSpecifiedToEffectiveVersion().ToDisplayString();
        return new JsonObject
        {
            ["status"] = "ok",
            ["protocol_version"] = JupyterMessage.ProtocolVersion,
            ["implementation"] = Implementation,
            ["implementation_version"] = version,
            ["language_info"] = new JsonObject
            {
                ["name"] = LanguageName,
                ["version"] = csharp,
                ["mimetype"] = MimeType,
                ["file_extension"] = ".cs",
                ["pygments_lexer"] = "csharp",
                ["codemirror_mode"] = MimeType,
            },
            ["banner"] = $"RandCond C# kernel {version} (C# {csharp}, .NET {Environment.Version})",
            ["help_links"] = new JsonArray(),
            ["debugger"] = false,
        };
    }
}
