using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace RandCond.Notebooks.Hosting;

/// <summary>
/// Lets a host that loads this library by path (.NET Interactive's <c>#r "../bin/Release/net10.0/RandCond.Lib.dll"</c>)
/// find the native libraries of the library's packages (e_sqlite3 of Microsoft.Data.Sqlite, ...). They sit under
/// runtimes/&lt;rid&gt;/native/ next to the assembly, which only this assembly's own deps.json maps; the host's does not
/// list them. Programs that reference the library (the CLI, the tests) carry them in their own deps.json and never
/// reach this fallback.
/// </summary>
internal static class PackageNativeLibraries
{
    private static readonly HashSet<AssemblyLoadContext> hooked = new();
    private static AssemblyDependencyResolver? resolver;
    private static string folder = "";

#pragma warning disable CA2255 // a library module initializer on purpose: it must run before any package type is touched
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        var location = typeof(PackageNativeLibraries).Assembly.Location;
        if (location.Length == 0 || !File.Exists(Path.ChangeExtension(location, ".deps.json"))) return;
        resolver = new AssemblyDependencyResolver(location);
        folder = Path.GetDirectoryName(location)!;
        // Roslyn scripting (which .NET Interactive runs cells with) gives every assembly it loads its own load
        // context, and a failed DllImport asks only the importing assembly's context: hook each package's.
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) => Hook(e.LoadedAssembly);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies()) Hook(assembly);
    }

    private static void Hook(Assembly assembly)
    {
        if (assembly.IsDynamic || Path.GetDirectoryName(assembly.Location) != folder) return;
        var context = AssemblyLoadContext.GetLoadContext(assembly) ?? AssemblyLoadContext.Default;
        lock (hooked)
            if (hooked.Add(context)) context.ResolvingUnmanagedDll += (_, name) => Load(name);
    }

    private static IntPtr Load(string name) =>
        resolver?.ResolveUnmanagedDllToPath(name) is { } path && NativeLibrary.TryLoad(path, out var handle) ? handle : IntPtr.Zero;
}
