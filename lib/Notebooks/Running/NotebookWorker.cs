using System.Text.Json.Nodes;
using RandCond.Notebooks.Execution;

namespace RandCond.Notebooks.Running;

/// <summary>
/// The child side of <see cref="NotebookRunner"/>: runs the cells it is sent, in one <see cref="CellExecutor"/>, and
/// reports each as it starts and ends (see <see cref="WorkerProtocol"/>). Stops after the first cell that fails.
/// Started as `randcond <see cref="Verb"/>`; a cell may end this process or never return, and the runner copes.
/// </summary>
public static class NotebookWorker
{
    public const string Verb = "__notebook-worker";

    /// <summary>Serves one request from stdin; returns the process exit code.</summary>
    public static int Main()
    {
        using var watch = ParentWatch.OfThisProcess(() =>
        {
            Console.Error.WriteLine("notebook worker: the runner that started it is gone; stopping");
            Environment.Exit(2);
        });
        var events = Console.OpenStandardOutput();
        // Writes outside a cell must not mix into the event stream: they go to stderr, which the runner passes on.
        Console.SetOut(Console.Error);
        var request = WorkerProtocol.ReadRequest(Console.In.ReadToEnd());
        Console.SetIn(TextReader.Null);
        ServeAsync(request, events).GetAwaiter().GetResult();
        return 0;
    }

    private static async Task ServeAsync(WorkerProtocol.Request request, Stream events)
    {
        void Send(JsonObject message)
        {
            var line = WorkerProtocol.EventLine(message);
            lock (events)
            {
                events.Write(line);
                events.Flush();
            }
        }

        Plotting.ChartHtml.InlinePlotlyJs = request.InlinePlotlyJs;
        using var executor = new CellExecutor(new CellExecutorOptions { BaseDirectory = request.BaseDirectory });
        var executed = 0;
        foreach (var cell in request.Cells)
        {
            Send(new JsonObject { ["event"] = "start", ["cell"] = cell.Index });
            var result = await executor.ExecuteAsync(cell.Source).ConfigureAwait(false);
            executed++;
            var done = new JsonObject
            {
                ["event"] = "done",
                ["cell"] = cell.Index,
                ["status"] = result.Status.ToString(),
                ["duration_s"] = result.Duration.TotalSeconds,
                ["outputs"] = new JsonArray(result.Outputs.Select(o => (JsonNode)OutputJson.ToJson(o, executed)).ToArray()),
            };
            if (!result.Succeeded)
            {
                done["message"] = result.FailureMessage;
                done["diagnostics"] = new JsonArray(result.Diagnostics.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
            }
            Send(done);
            if (!result.Succeeded) break;
        }
        Send(new JsonObject { ["event"] = "end" });
    }
}
