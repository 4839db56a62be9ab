using System.Text.Json.Nodes;

namespace RandCond.Plotting;

/// <summary>Builds the slider (and optional play/pause buttons) that scrub through a figure's frames.</summary>
internal sealed record AnimationControls(string Prefix, bool PlayButton, int FrameDurationMs)
{
    public static AnimationControls Default { get; } = new("", true, 400);

    public void WriteTo(JsonObject layout, IReadOnlyList<AnimationFrame> frames)
    {
        var steps = JsonBuild.Array(frames.Count, i => new JsonObject
        {
            ["label"] = frames[i].Name,
            ["method"] = "animate",
            ["args"] = new JsonArray(JsonBuild.Strings(frames[i].Name), AnimateOptions(0, immediate: true)),
        });
        layout["sliders"] = new JsonArray(new JsonObject
        {
            ["active"] = 0,
            ["currentvalue"] = new JsonObject { ["prefix"] = Prefix, ["visible"] = true },
            ["pad"] = new JsonObject { ["t"] = 60 },
            ["steps"] = steps,
        });
        if (!PlayButton) return;
        layout["updatemenus"] = new JsonArray(new JsonObject
        {
            ["type"] = "buttons",
            ["showactive"] = false,
            ["direction"] = "left",
            ["x"] = 0,
            ["y"] = 0,
            ["xanchor"] = "right",
            ["yanchor"] = "top",
            ["pad"] = new JsonObject { ["t"] = 60, ["r"] = 10 },
            ["buttons"] = new JsonArray(
                new JsonObject
                {
                    ["label"] = "Play",
                    ["method"] = "animate",
                    ["args"] = new JsonArray(null, AnimateOptions(FrameDurationMs, immediate: false)),
                },
                new JsonObject
                {
                    ["label"] = "Pause",
                    ["method"] = "animate",
                    ["args"] = new JsonArray(new JsonArray((JsonNode?)null), AnimateOptions(0, immediate: true)),
                }),
        });
    }

    private static JsonObject AnimateOptions(int durationMs, bool immediate)
    {
        var options = new JsonObject
        {
            ["frame"] = new JsonObject { ["duration"] = durationMs, ["redraw"] = true },
            ["transition"] = new JsonObject { ["duration"] = 0 },
        };
        if (immediate) options["mode"] = "immediate";
        else options["fromcurrent"] = true;
        return options;
    }
}
