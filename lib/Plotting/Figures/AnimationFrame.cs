using System.Text.Json.Nodes;

namespace RandCond.Plotting;

/// <summary>
/// One animation frame: new data for some traces of the figure (by index, default 0, 1, ...),
/// shown when the slider reaches <see cref="Name"/>.
/// </summary>
public sealed class AnimationFrame
{
    public AnimationFrame(string name, IReadOnlyList<Trace> traces, IReadOnlyList<int>? traceIndices = null, string? title = null)
    {
        if (traceIndices is not null && traceIndices.Count != traces.Count)
            throw new ArgumentException($"Frame '{name}': {traces.Count} traces but {traceIndices.Count} trace indices.");
        Name = name;
        Traces = traces;
        TraceIndices = traceIndices ?? Enumerable.Range(0, traces.Count).ToArray();
        Title = title;
    }

    public string Name { get; }
    public IReadOnlyList<Trace> Traces { get; }
    public IReadOnlyList<int> TraceIndices { get; }

    /// <summary>Figure title while this frame is shown (optional).</summary>
    public string? Title { get; }

    internal JsonObject ToJson()
    {
        var frame = new JsonObject
        {
            ["name"] = Name,
            ["data"] = JsonBuild.Array(Traces.Count, i => Traces[i].Json.DeepClone()),
            ["traces"] = JsonBuild.Array(TraceIndices.Count, i => TraceIndices[i]),
        };
        if (Title is not null) frame["layout"] = new JsonObject { ["title"] = JsonBuild.Title(Title) };
        return frame;
    }
}
