using System.Text.Json;
using RandCond.Data;
using RandCond.Nn;

namespace RandCond.Experiments;

/// <summary>
/// What an entry point (randcond-lab, the lab verbs of randcond, randcond-bench) does with an exception it did not handle
/// itself: one line on stderr and an exit code, never an unhandled-exception abort. 2 when the input or the usage was bad
/// (an option, a file that is missing, truncated or malformed), 1 when a run failed for another reason.
/// </summary>
public static class CommandFailure
{
    public const int BadInput = 2;
    public const int Failed = 1;

    public static int ExitCode(Exception e) => e switch
    {
        ArgumentException or FormatException or OverflowException or InvalidDataException or SafetensorsFormatException
            or IdxFormatException or JsonException or FileNotFoundException or DirectoryNotFoundException => BadInput,
        _ => Failed,
    };

    /// <summary>"error: MESSAGE" on one line; exceptions whose message does not say what failed are prefixed by their type.</summary>
    public static string Line(Exception e)
    {
        var message = string.Join(" ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return ExitCode(e) == BadInput || e is IOException or Tensors.TorchException or DllNotFoundException or Plotting.PlottingDependencyException
            ? $"error: {message}"
            : $"error: {e.GetType().Name}: {message}";
    }

    /// <summary>Writes <see cref="Line"/> to <paramref name="stderr"/> and returns <see cref="ExitCode"/>.</summary>
    public static int Report(Exception e, TextWriter stderr)
    {
        stderr.WriteLine(Line(e));
        return ExitCode(e);
    }
}
