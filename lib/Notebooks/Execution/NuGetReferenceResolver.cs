using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace RandCond.Notebooks.Execution;

/// <summary>
/// Resolves <c>#r "nuget: Name, Version"</c> (version optional: the newest the feeds serve) as .NET Interactive does:
/// restores the package with its dependencies through the machine's NuGet configuration (a generated project and
/// `dotnet restore`) and references the runtime assemblies of the whole closure. Each restore is cached by name and
/// version in a folder, so a second kernel or run resolves without restoring. Every other <c>#r</c> goes to the inner
/// resolver.
/// </summary>
public sealed partial class NuGetReferenceResolver(MetadataReferenceResolver inner, string cacheFolder) : MetadataReferenceResolver
{
    private readonly MetadataReferenceResolver _inner = inner;
    private readonly string _cacheFolder = cacheFolder;
    private const string TargetFramework = "net10.0";
    private static readonly object RestoreLock = new();

    public override ImmutableArray<PortableExecutableReference> ResolveReference(
        string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        var match = NuGetReference().Match(reference);
        if (!match.Success) return _inner.ResolveReference(reference, baseFilePath, properties);
        var name = match.Groups["name"].Value;
        var version = match.Groups["version"].Success ? match.Groups["version"].Value : "*";
        return [.. Restore(name, version).Select(path => MetadataReference.CreateFromFile(path, properties))];
    }

    // The inner resolver also finds the dependencies of referenced assemblies (e.g. System.Text.Json for RandCond.Lib).
    public override bool ResolveMissingAssemblies => _inner.ResolveMissingAssemblies;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        _inner.ResolveMissingAssembly(definition, referenceIdentity);

    /// <summary>The runtime assemblies of the package and its dependencies; restores on first use.</summary>
    public IReadOnlyList<string> Restore(string name, string version)
    {
        lock (RestoreLock)
        {
            var folder = Path.Combine(_cacheFolder, $"{name}-{(version == "*" ? "latest" : version)}".ToLowerInvariant());
            var list = Path.Combine(folder, "assemblies.txt");
            if (version != "*" && File.Exists(list))
            {
                var cached = File.ReadAllLines(list).Where(l => l.Length > 0).ToList();
                if (cached.All(File.Exists)) return cached;
            }
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "restore.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>{TargetFramework}</TargetFramework>
                    <ImplicitUsings>disable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="{System.Security.SecurityElement.Escape(name)}" Version="{System.Security.SecurityElement.Escape(version)}" />
                  </ItemGroup>
                </Project>
                """);
            RunRestore(name, version, folder);
            var assemblies = RuntimeAssemblies(Path.Combine(folder, "obj", "project.assets.json"));
            var temp = list + ".tmp";
            File.WriteAllLines(temp, assemblies);
            File.Move(temp, list, overwrite: true);
            return assemblies;
        }
    }

    private static void RunRestore(string name, string version, string folder)
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in new[] { "restore", "restore.csproj", "-nologo", "-v", "quiet" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new NuGetRestoreException(name, version, "could not start dotnet");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var errors = (stdout + stderr.Result).Split('\n').Select(l => l.Trim()).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
            throw new NuGetRestoreException(name, version, string.Join(" ", errors.Take(3)).Trim() is { Length: > 0 } e ? e : $"dotnet restore exited with {process.ExitCode}");
        }
    }

    /// <summary>The "runtime" assemblies of every package the restore resolved for the target framework.</summary>
    private static List<string> RuntimeAssemblies(string assetsFile)
    {
        var assets = JsonNode.Parse(File.ReadAllText(assetsFile))!.AsObject();
        var packageFolders = assets["packageFolders"]!.AsObject().Select(p => p.Key).ToList();
        var libraries = assets["libraries"]!.AsObject();
        var target = assets["targets"]!.AsObject().First(t => t.Key.StartsWith(".NETCoreApp", StringComparison.Ordinal) || t.Key == TargetFramework).Value!.AsObject();
        var result = new List<string>();
        foreach (var (key, entry) in target)
        {
            if ((string?)entry?["type"] != "package" || entry["runtime"] is not JsonObject runtime) continue;
            var libraryPath = (string)libraries[key]!["path"]!;
            foreach (var (file, _) in runtime)
            {
                if (Path.GetFileName(file) == "_._") continue; // "nothing for this framework"
                var path = packageFolders.Select(f => Path.Combine(f, libraryPath, file)).FirstOrDefault(File.Exists);
                if (path is not null) result.Add(Path.GetFullPath(path));
            }
        }
        return result;
    }

    public override bool Equals(object? other) =>
        other is NuGetReferenceResolver r && r._inner.Equals(_inner) && r._cacheFolder == _cacheFolder;

    public override int GetHashCode() => HashCode.Combine(_inner, _cacheFolder);

    /// <summary>The cache folder for a notebook folder: .cache/nuget of the repository above it, else one under the temp folder.</summary>
    public static string CacheFolderFor(string baseDirectory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(baseDirectory)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RandCond.Lib.csproj"))) return Path.Combine(dir.FullName, ".cache", "nuget");
        return Path.Combine(Path.GetTempPath(), "randcond-nuget");
    }

    [GeneratedRegex(@"^\s*nuget\s*:\s*(?<name>[A-Za-z0-9_.\-]+)\s*(,\s*(?<version>[A-Za-z0-9_.\-*+\[\](), ]+?))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex NuGetReference();
}

/// <summary>A <c>#r "nuget: …"</c> whose package could not be restored.</summary>
public sealed class NuGetRestoreException(string name, string version, string problem)
    : Exception($"#r \"nuget: {name}, {version}\": restore failed: {problem}");
