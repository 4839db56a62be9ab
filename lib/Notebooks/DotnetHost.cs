using System.Runtime.InteropServices;

namespace RandCond.Notebooks;

/// <summary>The dotnet host of the running runtime (…/dotnet beside shared/Microsoft.NETCore.App/VERSION/), else "dotnet" on PATH.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = System.IO.Path.Combine(root, name);
        return File.Exists(host) ? host : name;
    }
}
