using System.CommandLine;
using RandCond.Experiments.Reports;

namespace RandCond.Cli;

/// <summary>`report results [--check]`: the tables of docs/RESULTS.md, generated from the records in results/.</summary>
public static class ReportCommands
{
    public static Command Create()
    {
        var check = new Option<bool>("--check") { Description = "Only compare; exit 1 when the tables differ from the records" };
        var results = new Command("results", "Regenerate the tables of docs/RESULTS.md from the records in results/") { check };
        results.SetAction(parsed => ResultsReport.Update(parsed.GetValue(check), parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error));
        return new Command("report", "Documents generated from the records") { results };
    }
}
