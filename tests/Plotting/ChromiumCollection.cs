using Xunit;

namespace RandCond.Tests.Plotting;

/// <summary>
/// Tests that start chromium or change the RANDCOND_* environment variables run one at a time:
/// chromium is heavy on small machines, and the variables are process-wide.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class ChromiumCollection
{
    public const string Name = "Plotting: chromium and plotly.js";
}
