using RandCond.Tensors;
using System.Runtime.ExceptionServices;

namespace RandCond.Tests.Tensors;

/// <summary>Runs code on a fresh thread (fresh thread-local dispose scope and grad mode) and rethrows its failure here.</summary>
internal static class TestThread
{
    public static void Run(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { body(); }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
    }

    public static void RunAll(int count, Action<int> body)
    {
        var failures = new Exception?[count];
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            try { body(i); }
            catch (Exception e) { failures[i] = e; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        foreach (var f in failures)
            if (f is not null) ExceptionDispatchInfo.Capture(f).Throw();
    }
}
