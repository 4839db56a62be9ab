using System.CommandLine;
using RandCond.Experiments;

namespace RandCond.Cli;

/// <summary>
/// The experiments as commands (`randcond held-out-digit --scale quick`, …). Their options are still read by the lab
/// (<see cref="LabCommands"/>, shared with the slim `randcond-lab` published for GPU machines), so each command passes
/// its tokens through; its help shows the lab's usage line.
/// </summary>
public static class LabVerbCommands
{
    public static IEnumerable<Command> Create() => LabCommands.Verbs.Select(verb =>
    {
        var command = new Command(verb, UsageOf(verb)) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(parsed => LabCommands.Run([verb, .. parsed.UnmatchedTokens], parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error));
        return command;
    });

    /// <summary>The verb's lines of <see cref="LabCommands.Usage"/> (its first line and the continuation lines under it).</summary>
    private static string UsageOf(string verb)
    {
        var lines = LabCommands.Usage.Split('\n').Select(l => l.TrimEnd()).ToList();
        var first = lines.FindIndex(l => l.TrimStart().StartsWith($"randcond-lab {verb} ", StringComparison.Ordinal) || l.Trim() == $"randcond-lab {verb}");
        if (first < 0) return $"The '{verb}' experiment";
        var own = lines.Skip(first + 1).TakeWhile(l => l.Length > 0 && !l.TrimStart().StartsWith("randcond-lab ", StringComparison.Ordinal));
        return string.Join('\n', own.Prepend(lines[first]).Select(l => l.Trim())).Replace("randcond-lab ", "randcond ");
    }
}
