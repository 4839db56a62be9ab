using RandCond.Tensors.Native;

namespace RandCond.Tensors;

public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Call.TT(Aten.AddT, a, b);
    public static Tensor operator +(Tensor a, Scalar b) => Call.TS(Aten.AddS, a, b);
    public static Tensor operator +(Scalar a, Tensor b) => Call.TS(Aten.AddS, b, a);
    public static Tensor operator -(Tensor a, Tensor b) => Call.TT(Aten.SubT, a, b);
    public static Tensor operator -(Tensor a, Scalar b) => Call.TS(Aten.SubS, a, b);
    public static Tensor operator -(Scalar a, Tensor b) => Call.TS(Aten.RsubS, b, a);
    public static Tensor operator -(Tensor a) => Call.T(Aten.Neg, a);
    public static Tensor operator *(Tensor a, Tensor b) => Call.TT(Aten.MulT, a, b);
    public static Tensor operator *(Tensor a, Scalar b) => Call.TS(Aten.MulS, a, b);
    public static Tensor operator *(Scalar a, Tensor b) => Call.TS(Aten.MulS, b, a);
    public static Tensor operator /(Tensor a, Tensor b) => Call.TT(Aten.DivT, a, b);
    public static Tensor operator /(Tensor a, Scalar b) => Call.TS(Aten.DivS, a, b);
    public static Tensor operator /(Scalar a, Tensor b) { using var r = b.Reciprocal(); return Call.TS(Aten.MulS, r, a); }
    public static Tensor operator %(Tensor a, Scalar b) => Call.TS(Aten.Remainder, a, b);

    /// <summary>this + alpha * other.</summary>
    public Tensor Add(Tensor other, Scalar alpha)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(other);
        x.Add(alpha);
        return x.Call(Aten.AddT);
    }

    public Tensor Pow(Scalar exponent) => Call.TS(Aten.PowS, this, exponent);
    public Tensor Pow(Tensor exponent) => Call.TT(Aten.PowT, this, exponent);
    public Tensor MatMul(Tensor other) => Call.TT(Aten.Matmul, this, other);
    public Tensor Mm(Tensor other) => Call.TT(Aten.Mm, this, other);
    public Tensor Bmm(Tensor other) => Call.TT(Aten.Bmm, this, other);
    public Tensor Outer(Tensor other) => Call.TT(Aten.Outer, this, other);

    /// <summary>this + value * t1 * t2.</summary>
    public Tensor AddCMul(Tensor t1, Tensor t2, Scalar value)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(this);
        x.Add(t1);
        x.Add(t2);
        x.Add(value);
        return x.Call(Aten.Addcmul);
    }

    // ---- in place (each returns this) ----

    public Tensor AddInPlace(Tensor other, Scalar? alpha = null)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(other);
        x.Add(alpha ?? 1);
        x.CallInPlace(Aten.AddInT);
        return this;
    }

    public Tensor AddInPlace(Scalar value) { Call.InPlaceS(Aten.AddInS, this, value); return this; }
    public Tensor SubInPlace(Tensor other) { Call.InPlaceT(Aten.SubInT, this, other); return this; }
    public Tensor MulInPlace(Tensor other) { Call.InPlaceT(Aten.MulInT, this, other); return this; }
    public Tensor MulInPlace(Scalar value) { Call.InPlaceS(Aten.MulInS, this, value); return this; }
    public Tensor DivInPlace(Scalar value) { Call.InPlaceS(Aten.DivInS, this, value); return this; }
    public Tensor CopyFrom(Tensor source) { Call.InPlaceT(Aten.Copy, this, source); return this; }
    public Tensor FillInPlace(Scalar value) { Call.InPlaceS(Aten.FillS, this, value); return this; }
    /// <summary>this += weight * (end - this), with the weight a tensor (e.g. one element on the device).</summary>
    public Tensor LerpInPlace(Tensor end, Tensor weight)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(end);
        x.Add(weight);
        x.CallInPlace(Aten.LerpInT);
        return this;
    }

    public Tensor LerpInPlace(Tensor end, Scalar weight)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(end);
        x.Add(weight);
        x.CallInPlace(Aten.LerpInS);
        return this;
    }

    public Tensor ZeroInPlace()
    {
        var x = new OpArgs(stackalloc NativeValue[1]);
        x.Add(this);
        x.CallInPlace(Aten.Zero);
        return this;
    }

    public Tensor ClampInPlace(Scalar? min, Scalar? max)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        if (min is null) x.None(); else x.Add(min.Value);
        if (max is null) x.None(); else x.Add(max.Value);
        x.CallInPlace(Aten.ClampIn);
        return this;
    }

    // ---- comparison (results are Bool tensors) ----

    public Tensor Eq(Tensor other) => Call.TT(Aten.EqT, this, other);
    public Tensor Eq(Scalar other) => Call.TS(Aten.EqS, this, other);
    public Tensor Ne(Scalar other) => Call.TS(Aten.NeS, this, other);
    public Tensor Ne(Tensor other) => Call.TT(Aten.NeT, this, other);
    public static Tensor operator >(Tensor a, Tensor b) => Call.TT(Aten.GtT, a, b);
    public static Tensor operator <(Tensor a, Tensor b) => Call.TT(Aten.LtT, a, b);
    public static Tensor operator >=(Tensor a, Tensor b) => Call.TT(Aten.GeT, a, b);
    public static Tensor operator <=(Tensor a, Tensor b) => Call.TT(Aten.LeT, a, b);
    public static Tensor operator >(Tensor a, Scalar b) => Call.TS(Aten.GtS, a, b);
    public static Tensor operator <(Tensor a, Scalar b) => Call.TS(Aten.LtS, a, b);
    public static Tensor operator >=(Tensor a, Scalar b) => Call.TS(Aten.GeS, a, b);
    public static Tensor operator <=(Tensor a, Scalar b) => Call.TS(Aten.LeS, a, b);
    public Tensor LogicalNot() => Call.T(Aten.LogicalNot, this);
    public Tensor LogicalAnd(Tensor other) => Call.TT(Aten.LogicalAnd, this, other);

    /// <summary>Elementwise: where condition, this; else other.</summary>
    public Tensor Where(Tensor condition, Tensor other)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(condition);
        x.Add(this);
        x.Add(other);
        return x.Call(Aten.Where);
    }

    public Tensor MaskedFill(Tensor mask, Scalar value)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(mask);
        x.Add(value);
        return x.Call(Aten.MaskedFill);
    }
}
