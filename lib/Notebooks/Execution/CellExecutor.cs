using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace RandCond.Notebooks.Execution;

/// <summary>
/// Runs C# cells one after another in one Roslyn script state, so later cells see earlier cells' variables,
/// types and <c>#r</c> references. Knows nothing about files: the headless runner and a Jupyter kernel both
/// drive it. Calls are serialized; cells run in the order they are submitted.
/// </summary>
public sealed class CellExecutor : IDisposable
{
    private static readonly string[] DefaultImports =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text",
        "System.Threading", "System.Threading.Tasks",
    ];

    private readonly ScriptOptions _options;
    private readonly CellGlobals _globals = new();
    private readonly string _baseDirectory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ScriptState<object>? _state;

    public CellExecutor(CellExecutorOptions? options = null)
    {
        options ??= new CellExecutorOptions();
        var baseDirectory = _baseDirectory = Path.GetFullPath(options.BaseDirectory);
        _options = ScriptOptions.Default
            .WithMetadataResolver(new NuGetReferenceResolver(ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory),
                NuGetReferenceResolver.CacheFolderFor(baseDirectory)))
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, baseDirectory))
            .AddReferences(typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(Console).Assembly,
                typeof(CellGlobals).Assembly)
            .AddReferences(options.References)
            .AddImports(DefaultImports)
            .AddImports(options.Imports)
            .WithEmitDebugInformation(true);
    }

    /// <summary>How many cells have been submitted (compiled or not); a kernel's execution_count.</summary>
    public int ExecutionCount { get; private set; }

    /// <summary>
    /// Compiles and runs one cell. Never throws for the cell's own errors: they come back as
    /// <see cref="CellStatus.CompileError"/> or <see cref="CellStatus.RuntimeError"/> with an error output.
    /// </summary>
    /// <param name="liveOutput">
    /// Sees the outputs while the cell runs, in order: console text in chunks at most
    /// <see cref="OutputSink.StreamFlushInterval"/> old, displays and their updates (<see cref="DisplayUpdateOutput"/>)
    /// at once, then the result or error. Called on the cell's threads under a lock: queue, do not block.
    /// </param>
    public async Task<CellResult> ExecuteAsync(string code, CancellationToken cancellationToken = default,
        Action<CellOutput>? liveOutput = null)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ExecutionCount++;
            return await ExecuteCoreAsync(code, cancellationToken, liveOutput).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<CellResult> ExecuteCoreAsync(string code, CancellationToken cancellationToken, Action<CellOutput>? liveOutput)
    {
        var clock = Stopwatch.StartNew();
        var sink = new OutputSink(liveOutput);
        _globals.CancellationToken = cancellationToken;
        NotebookPaths.EnterFolder(_baseDirectory); // flows into the cell's run below, not back to the caller
        CellResult Finish(CellStatus status, object? value = null, IReadOnlyList<string>? diagnostics = null) =>
            new(status, sink.Close(), clock.Elapsed, value) { Diagnostics = diagnostics ?? [] };

        using var capture = ConsoleRouter.Capture(sink);

        // Compiling and running happen off the caller's thread so that a cell that never yields does not block
        // the caller, and cancellation can at least return control (see the note on cancellation below).
        var previous = _state;
        // A dedicated thread, not a pool thread: a cell that spins would otherwise hold one of the few pool
        // threads a 2-core machine starts with, and the timer that signals cancellation could wait behind it.
        var run = Task.Factory.StartNew(async () =>
        {
            // Later cells inherit the first cell's options without them: given again, each cell's compilation would
            // re-apply every reference and import, and the chain of compilations Roslyn keeps (each cell's refers to
            // the one before) grew by ~4.5 MB a one-line cell (1,000 cells: 57 MB -> 5.7 GB) instead of ~0.1 MB.
            var script = previous is null
                ? CSharpScript.Create(code, _options, typeof(CellGlobals))
                : previous.Script.ContinueWith(code);
            var errors = script.Compile(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0) return (State: (ScriptState<object>?)null, Errors: errors);
            var state = previous is null
                ? await script.RunAsync(_globals, _ => true, cancellationToken).ConfigureAwait(false)
                : await script.RunFromAsync(previous, _ => true, cancellationToken).ConfigureAwait(false);
            return (State: state, Errors: errors);
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

        // Cancellation: Roslyn checks the token only between statements it controls (before running, at awaits
        // of cooperative code); it cannot abort a cell stuck in a tight loop. We stop waiting and report the cell
        // as cancelled, keeping the state of the last finished cell; the orphaned work keeps running in the
        // background. .NET has no Thread.Abort, so a kernel that must really stop such a cell restarts its process.
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        if (await Task.WhenAny(run, cancelled).ConfigureAwait(false) != run)
        {
            sink.Add(CancelledOutput());
            return Finish(CellStatus.Cancelled);
        }

        (ScriptState<object>? State, List<Diagnostic> Errors) outcome;
        try
        {
            outcome = await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            sink.Add(CancelledOutput());
            return Finish(CellStatus.Cancelled);
        }
        catch (Exception e) // the scripting layer itself failed, e.g. an assembly from #r could not be loaded
        {
            sink.Add(ExceptionTrace.ToErrorOutput(e));
            return Finish(CellStatus.RuntimeError);
        }

        if (outcome.State is null)
        {
            var diagnostics = outcome.Errors.Select(d => d.ToString()).ToList();
            sink.Add(new ErrorOutput("CompilationError", diagnostics[0], diagnostics));
            return Finish(CellStatus.CompileError, diagnostics: diagnostics);
        }

        _state = outcome.State;
        if (outcome.State.Exception is { } exception)
        {
            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                sink.Add(CancelledOutput());
                return Finish(CellStatus.Cancelled);
            }
            sink.Add(ExceptionTrace.ToErrorOutput(exception));
            return Finish(CellStatus.RuntimeError);
        }

        var value = outcome.State.ReturnValue;
        if (value is not null)
        {
            try
            {
                sink.Add(new ExecuteResultOutput(MimeFormatter.Format(value)));
            }
            catch (Exception e)
            {
                sink.Add(ExceptionTrace.ToErrorOutput(e));
                return Finish(CellStatus.RuntimeError, value);
            }
        }
        return Finish(CellStatus.Ok, value);
    }

    private static ErrorOutput CancelledOutput() =>
        new(typeof(OperationCanceledException).FullName!, "The cell was cancelled.", ["The cell was cancelled."]);

    public void Dispose() => _gate.Dispose();
}
