using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace RandCond.Notebooks.Hosting;

/// <summary>
/// Makes a host that loads this library by path (.NET Interactive's <c>#r "../bin/Release/net10.0/RandCond.Lib.dll"</c>)
/// resolve the library's packages as one consistent set, the way a program's own deps.json would.
/// <para>
/// Why: Roslyn scripting, which .NET Interactive runs cells with, gives every assembly it loads a load context of its
/// own that asks the host's default context first. The dotnet-interactive 1.0.712001 host ships FSharp.Core 10.0.0.0;
/// Plotly.NET 6.0.0 asks for FSharp.Core 10.1.0.0, which the host lacks, so it gets ours from this folder, while
/// Giraffe.ViewEngine (which Plotly.NET builds its default chart settings with) asks for FSharp.Core 5.0.0.0, which the
/// host's 10.0 satisfies. Two FSharp.Core copies then meet in one call and every chart fails with a
/// MissingMethodException on <c>Giraffe.ViewEngine.Attributes.get__id()</c>.
/// </para>
/// <para>
/// How: a request the host's default context cannot satisfy raises <see cref="AssemblyLoadContext.Resolving"/> on the
/// default context before the requesting context's own handlers; there, and for every request from the assemblies it
/// loaded, one <see cref="PackageLoadContext"/> answers with the package from this library's deps.json. For each name it
/// keeps the newer of the host's copy and ours (as a program's deps.json resolution does), and never loads a file that
/// is already loaded. Programs that reference the library (the CLI, the tests) load it into their default context,
/// whose deps.json lists every package: nothing is registered there.
/// </para>
/// The hook must be in place before the first chart: it is, since this initializer runs on the first use of any type of
/// this library, and every notebook's cells use the library before they draw.
/// </summary>
internal static class PackageAssemblies
{
    /// <summary>The context that holds the packages, when this library was loaded by path into a context of its own.</summary>
    internal static PackageLoadContext? Context { get; private set; }

#pragma warning disable CA2255 // a library module initializer on purpose: it must run before any package type is touched
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        var library = typeof(PackageAssemblies).Assembly;
        if (AssemblyLoadContext.GetLoadContext(library) is not { } own || own == AssemblyLoadContext.Default) return;
        var location = library.Location;
        if (location.Length == 0 || !File.Exists(Path.ChangeExtension(location, ".deps.json"))) return;
        Context = new PackageLoadContext(location);
        AssemblyLoadContext.Default.Resolving += (_, name) => Context.Resolve(name);
    }
}

/// <summary>
/// The packages of the library at <c>libraryPath</c>, resolved through its deps.json into one load context (see
/// <see cref="PackageAssemblies"/>): for each name the newer of the default context's copy and the package's, an
/// assembly already loaded from the package's file reused rather than loaded again. Native libraries of the packages
/// are found by <see cref="PackageNativeLibraries"/>, as for every context that holds one of this folder's assemblies.
/// </summary>
internal sealed class PackageLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;
    private readonly Lazy<Dictionary<string, string>> _platform = new(PlatformAssemblies);
    private readonly object _gate = new();

    public PackageLoadContext(string libraryPath) : base("RandCond.Lib packages")
    {
        _resolver = new AssemblyDependencyResolver(libraryPath);
    }

    /// <summary>The package assembly for <paramref name="name"/>, or null where the default context's copy serves (or none fits).</summary>
    public Assembly? Resolve(AssemblyName name)
    {
        if (_resolver.ResolveAssemblyToPath(name) is not { } path) return null;
        lock (_gate)
        {
            if (LoadedFrom(path) is { } loaded) return loaded;
            var version = AssemblyName.GetAssemblyName(path).Version;
            if (name.Version is { } wanted && version < wanted) return null;
            if (name.Name is { } simple && _platform.Value.TryGetValue(simple, out var hostCopy) &&
                AssemblyName.GetAssemblyName(hostCopy).Version >= version)
                return null;
            return LoadFromAssemblyPath(path);
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName) => Resolve(assemblyName);

    private static Assembly? LoadedFrom(string path) =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => !a.IsDynamic && string.Equals(a.Location, path, StringComparison.Ordinal));

    /// <summary>The host's default-context assemblies by simple name (its trusted platform assemblies list).</summary>
    private static Dictionary<string, string> PlatformAssemblies() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .GroupBy(Path.GetFileNameWithoutExtension, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key!, g => g.First(), StringComparer.OrdinalIgnoreCase);
}
