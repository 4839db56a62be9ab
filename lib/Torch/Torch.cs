using System.Runtime.InteropServices;
using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>The entry point, as <c>torch</c> is in Python: creation, seeds, grad mode, scopes, any operator.</summary>
public static partial class Torch
{
    public static string Version => Marshal.PtrToStringUTF8(NativeMethods.rc_torch_version()) ?? "";

    public static void ManualSeed(ulong seed) => NativeMethods.Check(NativeMethods.rc_manual_seed(seed), "manual_seed");

    public static int NumThreads
    {
        get => NativeMethods.rc_get_num_threads();
        set => NativeMethods.Check(NativeMethods.rc_set_num_threads(value), "set_num_threads");
    }

    /// <summary>Tensors created on this thread until the scope is disposed are disposed with it.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Disables gradient recording on this thread until disposed (as <c>with torch.no_grad()</c>).</summary>
    public static GradModeScope NoGrad() => new(false);

    /// <summary>Enables gradient recording on this thread until disposed.</summary>
    public static GradModeScope EnableGrad() => new(true);

    public static bool IsGradEnabled => NativeMethods.rc_grad_enabled() != 0;

    /// <summary>Live tensor handles as the native shim counts them.</summary>
    public static long NativeLiveTensors => NativeMethods.rc_live_tensors();

    /// <summary>
    /// Calls any registered operator by schema name and overload, e.g. <c>Torch.Op("aten::hardtanh", "", x, -1.0, 1.0)</c>.
    /// Arguments map by type: Tensor, Tensor?[], null (None), int/long, float/double, bool, long[]/int[],
    /// double[], bool[], string, DType, Device, Generator, Scalar. Trailing arguments may be left out to take
    /// the schema's defaults. Returns the one tensor result; see <see cref="OpMany"/> for anything else.
    /// A single Tensor[] argument binds to the params array itself: pass it as <c>(object)tensors</c>.
    /// </summary>
    public static Tensor Op(string name, string overload, params object?[] args)
    {
        var op = OpHandle.Cached(name, overload);
        var x = Pack(op, args, stackalloc NativeValue[args.Length]);
        return x.Call(op);
    }

    /// <summary>Like <see cref="Op"/>, returning each schema result as Tensor, Tensor[], long, double, bool or null.</summary>
    public static object?[] OpMany(string name, string overload, params object?[] args)
    {
        var op = OpHandle.Cached(name, overload);
        var x = Pack(op, args, stackalloc NativeValue[args.Length]);
        return OpResults.Values(x.Invoke(op));
    }

    private static OpArgs Pack(OpHandle op, object?[] args, Span<NativeValue> buffer)
    {
        var x = new OpArgs(buffer);
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case null: x.None(); break;
                case Tensor t: x.Add(t); break;
                case Tensor?[] ts: x.Add(ts); break;
                case IReadOnlyList<Tensor> tl: x.Add(tl); break;
                case int v: x.Add((long)v); break;
                case long v: x.Add(v); break;
                case float v: x.Add((double)v); break;
                case double v: x.Add(v); break;
                case bool v: x.Add(v); break;
                case Scalar v: x.Add(v); break;
                case long[] v: x.Add(v.AsSpan()); break;
                case int[] v: x.Add(Array.ConvertAll(v, e => (long)e).AsSpan()); break;
                case double[] v: x.Add(v.AsSpan()); break;
                case bool[] v: x.Add(v.AsSpan()); break;
                case string v: x.Add(v); break;
                case DType v: x.Add(ArgumentCheck.Defined(v, $"{op.FullName} argument {i}")); break;
                case Device v: x.Add(v); break;
                case Generator v: x.Add(v); break;
                default:
                    throw new ArgumentException($"{op.FullName}: argument {i} has type {args[i]!.GetType().Name}, which maps to no schema type");
            }
        }
        return x;
    }
}

/// <summary>Sets grad mode on this thread and restores the previous mode when disposed.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly bool previous;

    internal GradModeScope(bool enabled)
    {
        previous = NativeMethods.rc_grad_enabled() != 0;
        NativeMethods.rc_set_grad_enabled(enabled ? 1 : 0);
    }

    public void Dispose() => NativeMethods.rc_set_grad_enabled(previous ? 1 : 0);
}

