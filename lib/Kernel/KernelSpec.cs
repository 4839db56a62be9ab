using System.Text.Json.Nodes;

namespace RandCond.Kernel;

/// <summary>
/// Writes the kernelspec folder "randcond-csharp" (kernel.json) that Jupyter front ends find the kernel by,
/// in the layout `jupyter kernelspec install` uses: PREFIX/share/jupyter/kernels/NAME, or the user's data folder.
/// </summary>
public static class KernelSpec
{
    public const string Name = "randcond-csharp";
    public const string DisplayName = "C# (RandCond)";

    /// <summary>How to start this kernel from the running process: the randcond executable, or dotnet and its dll.</summary>
    public static IReadOnlyList<string> CommandOfCurrentProcess()
    {
        var process = Environment.ProcessPath ?? throw new KernelConfigurationException("cannot tell the path of the running executable");
        if (Path.GetFileNameWithoutExtension(process) != "dotnet") return [process];
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        if (string.IsNullOrEmpty(entry)) throw new KernelConfigurationException("running under dotnet, but the entry assembly has no file");
        return [process, entry];
    }

    /// <summary>kernel.json for a kernel started as <paramref name="command"/> followed by "kernel -f {connection_file}".</summary>
    public static JsonObject KernelJson(IReadOnlyList<string> command) => new()
    {
        ["argv"] = new JsonArray([.. command.Concat(["kernel", "-f", "{connection_file}"]).Select(a => (JsonNode)a)]),
        ["display_name"] = DisplayName,
        ["language"] = "csharp",
        // Interrupts come as interrupt_request on control rather than SIGINT.
        ["interrupt_mode"] = "message",
        ["metadata"] = new JsonObject { ["debugger"] = false },
    };

    /// <summary>PREFIX/share/jupyter/kernels, as `jupyter kernelspec install --prefix PREFIX` uses.</summary>
    public static string KernelsFolderOfPrefix(string prefix) => Path.Combine(Path.GetFullPath(prefix), "share", "jupyter", "kernels");

    /// <summary>The user's kernels folder: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter.</summary>
    public static string UserKernelsFolder()
    {
        var data = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
        if (string.IsNullOrEmpty(data))
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            data = Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "share") : xdg, "jupyter");
        }
        return Path.Combine(data, "kernels");
    }

    /// <summary>Writes (or replaces) KERNELS/randcond-csharp/kernel.json and returns that folder.</summary>
    public static string Install(string kernelsFolder, IReadOnlyList<string> command)
    {
        if (command.Count == 0) throw new ArgumentException("the kernel command is empty", nameof(command));
        var target = Path.Combine(kernelsFolder, Name);
        var staging = Path.Combine(kernelsFolder, $".{Name}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(staging);
            File.WriteAllText(Path.Combine(staging, "kernel.json"),
                KernelJson(command).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(staging, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KernelConfigurationException($"cannot install the kernelspec into {target}: {e.Message}", e);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        return target;
    }
}
