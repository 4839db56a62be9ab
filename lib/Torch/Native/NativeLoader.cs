using System.Reflection;
using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>
/// Loads librandcond_native.so: from $RANDCOND_NATIVE (a file or a folder), else next to this assembly,
/// else next to the app. Failing that, says where it looked and how to fix it.
/// </summary>
internal static class NativeLoader
{
    private const string FileName = "librandcond_native.so";
    private static int registered;

    internal static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != NativeMethods.Lib) return IntPtr.Zero;
        var tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            tried.Add(candidate);
            if (!File.Exists(candidate)) continue;
            try
            {
                return NativeLibrary.Load(candidate);
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException(
                    $"RandCond: found {candidate} but could not load it: {e.Message}\n" +
                    "Its libtorch dependency is probably missing: install it ('apt-get install libtorch-dev " +
                    "libopenblas0-pthread', or a CUDA torch), or rebuild the shim with lib/native/build.sh.", e);
            }
        }
        throw new DllNotFoundException(
            $"RandCond: the native shim {FileName} was not found. Looked in:\n  " + string.Join("\n  ", tried) +
            "\nFix: build the library ('dotnet build', which runs lib/native/build.sh), or set RANDCOND_NATIVE " +
            "to the shim's path (scripts/gpu/build-shim.sh does this for a CUDA libtorch).");
    }

    private static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable("RANDCOND_NATIVE");
        if (!string.IsNullOrEmpty(env))
            yield return Directory.Exists(env) ? Path.Combine(env, FileName) : env;
        var own = Path.GetDirectoryName(typeof(NativeLoader).Assembly.Location);
        if (!string.IsNullOrEmpty(own)) yield return Path.Combine(own, FileName);
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
    }
}
