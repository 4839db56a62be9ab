using RandCond.Kernel;
using RandCond.Kernel.Protocol;
using RandCond.Kernel.Zmq;

namespace RandCond.Cli;

/// <summary>
/// The verb `kernel`: `kernel -f CONNECTION_FILE [--allow-remote]` runs the Jupyter kernel;
/// `kernel install [--user | --prefix PATH]` writes its kernelspec. Exit codes: 0 ok, 1 failed, 2 bad arguments.
/// </summary>
public static class KernelCommands
{
    public const string Usage = """
          randcond kernel -f CONNECTION_FILE [--allow-remote]
              run the C# Jupyter kernel (started by Jupyter from the kernelspec)
          randcond kernel install [--user | --prefix PATH]
              install the kernelspec 'randcond-csharp' for the user (default) or under PATH/share/jupyter/kernels
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return args is ["install", .. var rest] ? Install(rest, stdout, stderr) : Serve(args, stderr);
        }
        catch (Exception e) when (e is KernelConfigurationException or ZmqException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static int Serve(IReadOnlyList<string> args, TextWriter stderr)
    {
        string? connectionFile = null;
        var allowRemote = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-f" or "--connection-file" when i + 1 < args.Count:
                    connectionFile = args[++i];
                    break;
                case "--allow-remote":
                    allowRemote = true;
                    break;
                default:
                    return BadArguments(stderr, $"kernel: unexpected argument '{args[i]}'");
            }
        }
        if (connectionFile is null) return BadArguments(stderr, "kernel needs -f CONNECTION_FILE");

        using var kernel = new JupyterKernel(ConnectionInfo.Read(connectionFile, allowRemote));
        kernel.Run();
        return 0;
    }

    private static int Install(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? folder = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--user" when folder is null:
                    folder = KernelSpec.UserKernelsFolder();
                    break;
                case "--prefix" when folder is null && i + 1 < args.Count:
                    folder = KernelSpec.KernelsFolderOfPrefix(args[++i]);
                    break;
                default:
                    return BadArguments(stderr, $"kernel install: unexpected argument '{args[i]}' (give at most one of --user, --prefix PATH)");
            }
        }
        var target = KernelSpec.Install(folder ?? KernelSpec.UserKernelsFolder(), KernelSpec.CommandOfCurrentProcess());
        stdout.WriteLine($"installed kernelspec {KernelSpec.Name} ({KernelSpec.DisplayName}) in {target}");
        return 0;
    }

    private static int BadArguments(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {message}");
        stderr.WriteLine(Usage);
        return 2;
    }
}
