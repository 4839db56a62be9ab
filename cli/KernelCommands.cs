using System.CommandLine;
using RandCond.Kernel;
using RandCond.Kernel.Protocol;
using RandCond.Kernel.Zmq;

namespace RandCond.Cli;

/// <summary>
/// The command `kernel`: `kernel -f CONNECTION_FILE [--allow-remote]` runs the Jupyter kernel;
/// `kernel install [--user | --prefix PATH]` writes its kernelspec. Exit codes: 0 ok, 1 failed, 2 bad arguments.
/// </summary>
public static class KernelCommands
{
    public static Command Create()
    {
        var connectionFile = new Option<string>("--connection-file", "-f")
        {
            Description = "The connection file Jupyter wrote (ports, key, transport)", HelpName = "file", Required = true,
        };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Accept a connection file whose ip is not a loopback address" };
        var kernel = new Command("kernel", "Run the C# Jupyter kernel (Jupyter starts it from the kernelspec)") { connectionFile, allowRemote };
        kernel.SetAction(parsed => Guarded(parsed, () =>
        {
            using var running = new JupyterKernel(ConnectionInfo.Read(parsed.GetValue(connectionFile)!, parsed.GetValue(allowRemote)));
            running.Run();
            return 0;
        }));

        var user = new Option<bool>("--user") { Description = "Install for this user (the default)" };
        var prefix = new Option<string?>("--prefix") { Description = "Install under PATH/share/jupyter/kernels", HelpName = "path" };
        var install = new Command("install", $"Install the kernelspec '{KernelSpec.Name}'") { user, prefix };
        install.Validators.Add(result =>
        {
            if (result.GetValue(user) && result.GetValue(prefix) is not null) result.AddError("give at most one of --user, --prefix PATH");
        });
        install.SetAction(parsed => Guarded(parsed, () =>
        {
            var folder = parsed.GetValue(prefix) is { } p ? KernelSpec.KernelsFolderOfPrefix(p) : KernelSpec.UserKernelsFolder();
            var target = KernelSpec.Install(folder, KernelSpec.CommandOfCurrentProcess());
            parsed.InvocationConfiguration.Output.WriteLine($"installed kernelspec {KernelSpec.Name} ({KernelSpec.DisplayName}) in {target}");
            return 0;
        }));
        kernel.Subcommands.Add(install);
        return kernel;
    }

    private static int Guarded(ParseResult parsed, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is KernelConfigurationException or ZmqException)
        {
            parsed.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
