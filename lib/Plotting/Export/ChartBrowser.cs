using System.Globalization;
using System.Text;
using PuppeteerSharp;
using PuppeteerSharp.Media;

namespace RandCond.Plotting;

/// <summary>
/// One headless chromium per process, started on first use and kept alive, with a page that has plotly.js
/// loaded: a chart renders through <c>Plotly.toImage</c> in that page (PNG, SVG) and a PDF by printing the
/// SVG. Starting a browser costs about a second; every later export reuses it. Calls are serialized.
/// </summary>
public static class ChartBrowser
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IBrowser? _browser;
    private static IPage? _plotlyPage;
    private static string? _profileDir;

    /// <summary>Limit for one render (the first also starts chromium).</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Renders figure JSON ({"data", "layout"}) with plotly.js; SVG is returned as UTF-8 bytes.</summary>
    public static byte[] Render(string figureJson, ImageFormat format, int width, int height, double scale) =>
        Run(() => RenderAsync(figureJson, format, width, height, scale));

    /// <summary>Loads an HTML page (file path or URL), waits <paramref name="settleMs"/>, and returns the DOM, to check that a page really draws.</summary>
    public static string DumpDom(string pathOrUrl, int settleMs = 1000) => Run(async () =>
    {
        var url = File.Exists(pathOrUrl) ? new Uri(Path.GetFullPath(pathOrUrl)).AbsoluteUri : pathOrUrl;
        var page = await (await BrowserAsync()).NewPageAsync();
        try
        {
            await page.GoToAsync(url, new NavigationOptions { Timeout = (int)Timeout.TotalMilliseconds, WaitUntil = [WaitUntilNavigation.Load] });
            await Task.Delay(settleMs);
            return await page.GetContentAsync();
        }
        finally { await page.CloseAsync(); }
    });

    /// <summary>Closes the browser (it is also closed when the process exits); the next render starts a new one.</summary>
    public static void Shutdown() => Run(async () => { await CloseAsync(); return true; });

    private static T Run<T>(Func<Task<T>> work)
    {
        // Task.Run: no notebook synchronization context can deadlock the wait.
        return Task.Run(async () =>
        {
            if (!await Gate.WaitAsync(Timeout))
                throw new TimeoutException($"Chart export waited {Timeout.TotalSeconds:0} s for another export to finish.");
            try
            {
                var task = work();
                if (await Task.WhenAny(task, Task.Delay(Timeout)) != task)
                {
                    await CloseAsync();
                    throw new PlottingDependencyException($"Chromium did not render the chart within {Timeout.TotalSeconds:0} s; the browser was closed. Raise ChartBrowser.Timeout for very large charts.");
                }
                return await task;
            }
            finally { Gate.Release(); }
        }).GetAwaiter().GetResult();
    }

    private static async Task<byte[]> RenderAsync(string figureJson, ImageFormat format, int width, int height, double scale)
    {
        var page = await PlotlyPageAsync();
        string plotlyFormat = format == ImageFormat.Png ? "png" : "svg";
        var options = string.Create(CultureInfo.InvariantCulture,
            $"{{\"format\":\"{plotlyFormat}\",\"width\":{width},\"height\":{height},\"scale\":{(format == ImageFormat.Png ? scale : 1):R}}}");
        string dataUrl;
        try
        {
            dataUrl = await page.EvaluateFunctionAsync<string>(
                "(fig, opts) => Plotly.toImage(JSON.parse(fig), JSON.parse(opts))",
                figureJson, options);
        }
        catch (EvaluationFailedException e)
        {
            throw new InvalidOperationException($"plotly.js could not render the chart to {plotlyFormat}: {e.Message}", e);
        }
        var bytes = DecodeDataUrl(dataUrl);
        return format == ImageFormat.Pdf ? await PrintSvgAsync(bytes, width, height) : bytes;
    }

    private static byte[] DecodeDataUrl(string url)
    {
        int comma = url.IndexOf(',');
        if (comma < 0) throw new InvalidOperationException($"plotly.js returned no data URL: '{url[..Math.Min(80, url.Length)]}'");
        var head = url[..comma];
        var body = url[(comma + 1)..];
        return head.Contains(";base64") ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(Uri.UnescapeDataString(body));
    }

    private static async Task<byte[]> PrintSvgAsync(byte[] svg, int width, int height)
    {
        var page = await (await BrowserAsync()).NewPageAsync();
        try
        {
            var html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>html,body{margin:0;padding:0}svg{display:block}</style></head><body>" +
                       Encoding.UTF8.GetString(svg) + "</body></html>";
            await page.SetContentAsync(html);
            return await page.PdfDataAsync(new PdfOptions
            {
                Width = $"{width}px", Height = $"{height}px", PrintBackground = true, PageRanges = "1",
                MarginOptions = new MarginOptions { Top = "0", Bottom = "0", Left = "0", Right = "0" },
            });
        }
        finally { await page.CloseAsync(); }
    }

    private static async Task<IPage> PlotlyPageAsync()
    {
        if (_plotlyPage is { IsClosed: false }) return _plotlyPage;
        var browser = await BrowserAsync();
        var plotly = PlotlyJs.Locate();
        // A file:// page with a script src lets chromium read plotly.min.js from disk, much faster than sending 4.8 MB over the pipe.
        var pagePath = Path.Combine(_profileDir!, "render.html");
        await File.WriteAllTextAsync(pagePath, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script src=\"" +
            System.Net.WebUtility.HtmlEncode(new Uri(plotly).AbsoluteUri) + "\"></script></head><body></body></html>");
        var page = await browser.NewPageAsync();
        await page.GoToAsync(new Uri(pagePath).AbsoluteUri, new NavigationOptions { Timeout = (int)Timeout.TotalMilliseconds, WaitUntil = [WaitUntilNavigation.Load] });
        if (!await page.EvaluateExpressionAsync<bool>("typeof Plotly === 'object' && typeof Plotly.toImage === 'function'"))
            throw new PlottingDependencyException($"{plotly} loaded in chromium but defines no Plotly.toImage; it should be plotly.min.js of plotly.js-dist-min {PlotlyJs.Version}.");
        return _plotlyPage = page;
    }

    private static async Task<IBrowser> BrowserAsync()
    {
        if (_browser is { IsConnected: true }) return _browser;
        await CloseAsync();
        var exe = Chromium.Locate();
        _profileDir = Directory.CreateTempSubdirectory("randcond-chromium-").FullName;
        try
        {
            _browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = exe,
                Headless = true,
                Pipe = true,
                UserDataDir = _profileDir,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
                ],
            });
        }
        catch (Exception e) when (e is not PlottingDependencyException)
        {
            throw new PlottingDependencyException($"Could not start headless chromium at '{exe}': {e.Message}", e);
        }
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        return _browser;
    }

    private static void OnProcessExit(object? sender, EventArgs e)
    {
        try { CloseAsync().Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    private static async Task CloseAsync()
    {
        var browser = _browser;
        _browser = null;
        _plotlyPage = null;
        if (browser is not null)
        {
            try { await browser.CloseAsync(); } catch (Exception) { /* already gone */ }
            browser.Dispose();
        }
        if (_profileDir is not null)
        {
            try { Directory.Delete(_profileDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            _profileDir = null;
        }
    }
}
