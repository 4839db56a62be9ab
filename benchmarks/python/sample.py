#!/usr/bin/env python3
"""PyTorch reference for `randcond-bench sample`.

Sampling throughput of the RandCond teacher and its block-removed student (rc_model.py): DDIM (eta 0, trailing
timesteps of a linear schedule, T = 1000) with classifier-free guidance (scale 3, conditional and null captions in
one batched call), as lib/Diffusion/Sampling (DdimSampler, ClassifierFreeGuidance) does it. With --weights bf16 the
networks are a bf16 copy and x_t stays float32, cast at the model's input and its output cast back, as
IDenoiser.InDType does. Prints ONE JSON line.
"""
import argparse
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rc_bench  # noqa: E402

GUIDANCE, T = 3.0, 1000


def alpha_bars(torch):
    betas = torch.linspace(1e-4, 0.02, T, dtype=torch.float64)
    return torch.cumprod(1 - betas, 0).tolist()


def trailing(steps):
    """Timesteps.Trailing: round(T - i T/steps) - 1, increasing."""
    stride = T / steps
    return sorted(int(round(T - i * stride)) - 1 for i in range(steps))


def ddim(torch, model, noise, tokens, null_tokens, steps, ab):
    ts = trailing(steps)
    x = noise
    b = x.shape[0]
    cond = torch.cat([tokens, null_tokens])
    dtype = next(model.parameters()).dtype
    with torch.no_grad():
        for i in reversed(range(len(ts))):
            t = ts[i]
            ab_t, ab_prev = ab[t], (ab[ts[i - 1]] if i > 0 else 1.0)
            tt = torch.full((2 * b,), t, dtype=torch.long, device=x.device)
            out, _ = model(torch.cat([x, x]).to(dtype), tt, cond)
            out = out.to(x.dtype)
            eps = out[b:] + GUIDANCE * (out[:b] - out[b:])
            x0 = (x - (1 - ab_t) ** 0.5 * eps) / ab_t ** 0.5
            x = x0 * ab_prev ** 0.5 + eps * (1 - ab_prev) ** 0.5
    return x


def prepare(args):
    """What sample.py and profile_sample.py share: torch, the device, the result dict holding the environment, the two
    networks as (name, model) pairs, the alpha bars and the fixed inputs (noise laid out as --channels-last asks)."""
    torch = rc_bench.import_torch()
    import rc_model
    device = rc_bench.setup(torch, args)
    out = rc_bench.environment(torch, args, device)
    torch.manual_seed(args.seed)
    teacher, text, unet = rc_model.load_teacher(args.teacher, device)
    student, _ = rc_model.block_removed_student(teacher, text, unet, device)
    student.eval()
    g = torch.Generator().manual_seed(args.seed)
    noise = torch.randn(args.batch, 1, 28, 28, generator=g).to(device)
    tokens = torch.randint(5, text["vocab_size"], (args.batch, 12), generator=g).to(device)
    null_tokens = torch.zeros(args.batch, 12, dtype=torch.long, device=device)
    null_tokens[:, :3] = torch.tensor([1, 4, 2], device=device)   # <bos> <null> <eos>
    if args.channels_last:
        noise = noise.contiguous(memory_format=torch.channels_last)
    return types.SimpleNamespace(torch=torch, device=device, out=out, models=(("teacher", teacher), ("student", student)),
                                 ab=alpha_bars(torch), noise=noise, tokens=tokens, null_tokens=null_tokens)


def configure(torch, args, model):
    """The networks' side of the configuration: bf16 weights, channels-last."""
    model.to(rc_bench.weights_dtype(torch, args))
    if args.channels_last:
        model.to(memory_format=torch.channels_last)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    rc_bench.add_config_args(ap)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--ddim-steps", type=int, default=50)
    args = ap.parse_args()
    p = prepare(args)
    torch, device, out = p.torch, p.device, p.out

    def run(model):
        configure(torch, args, model)
        with rc_bench.autocast(torch, args, device):
            return ddim(torch, model, p.noise, p.tokens, p.null_tokens, args.ddim_steps, p.ab)

    out.update({"batch": args.batch, "ddim_steps": args.ddim_steps, "guidance": GUIDANCE, "warmup": args.warmup, "repeats": args.steps})
    for name, model in p.models:
        times = rc_bench.time_calls(torch, device, lambda: run(model), args.warmup, args.steps)
        out[name] = rc_bench.summary(times)
        if args.compile:
            def compiled():
                c = torch.compile(model)
                return rc_bench.summary(rc_bench.time_calls(torch, device, lambda: run(c), max(args.warmup, 1) + 1, args.steps))
            out[name]["compiled"] = rc_bench.compiled_or_reason(torch, compiled)
    rc_bench.emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
