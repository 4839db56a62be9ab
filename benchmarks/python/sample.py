#!/usr/bin/env python3
"""PyTorch reference for `randcond-bench sample`.

Sampling throughput of the RandCond teacher and its block-removed student (rc_model.py): DDIM (eta 0, trailing
timesteps of a linear schedule, T = 1000) with classifier-free guidance (scale 3, conditional and null captions in
one batched call), as lib/Diffusion/Sampling (DdimSampler, ClassifierFreeGuidance) does it. With --weights bf16 the
networks are a bf16 copy and x_t stays float32, cast at the model's input and its output cast back, as
IDenoiser.InDType does. Prints ONE JSON line.

Variants of the configuration, per model, each reported as a summary or "unavailable: reason":
  eager                   the walk as written (the default; --no-eager leaves it out)
  graph                   (--graph, CUDA) one eager walk on a side stream, then the whole walk (50 guided DDIM steps
                          from the noise in a static tensor) captured once with torch.cuda.graph and replayed; each
                          replay first copies the noise into the static tensor
  compile-<mode>          (--compile-mode default,reduce-overhead,max-autotune) the network wrapped in
                          torch.compile(mode=...), with torch.compiler.cudagraph_mark_step_begin() before each call

--trace DIR: after timing each variant of each model, profiles one more walk of it into DIR/MODEL-VARIANT.json (a Chrome
trace), which `randcond-bench sample --profile` sums by kernel kind beside its own.
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


def ddim(torch, model, noise, tokens, null_tokens, steps, ab, call=None):
    """The guided walk from noise; call(x, t, tokens) runs the network (default: model itself)."""
    call = call or model
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
            out, _ = call(torch.cat([x, x]).to(dtype), tt, cond)
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


class GraphedWalk:
    """The whole guided walk of one model captured once as a CUDA graph and replayed. The noise lives in a static
    tensor that each call fills (copy_) before the replay; the images are the graph's static output. One eager walk on
    a side stream comes first (cuDNN/cuBLAS handles and autotuning happen outside the capture); its images are kept
    to compare the replays with."""

    def __init__(self, torch, args, device, model, p):
        self.noise = p.noise.clone()

        def walk():
            with rc_bench.autocast(torch, args, device, cache_enabled=False):
                return ddim(torch, model, self.noise, p.tokens, p.null_tokens, args.ddim_steps, p.ab)
        eager = []
        rc_bench.side_stream_warmup(torch, device, lambda: eager.append(walk()), 1)
        self.eager_images = eager[0]
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.images = walk()

    def __call__(self, noise):
        self.noise.copy_(noise)
        self.graph.replay()
        return self.images


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    rc_bench.add_config_args(ap)
    rc_bench.add_variant_args(ap, "the whole guided walk")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--ddim-steps", type=int, default=50)
    ap.add_argument("--trace", metavar="DIR", help="after timing each variant, profile one more walk of it and write the Chrome "
                                                  "trace to DIR/MODEL-VARIANT.json")
    args = ap.parse_args()
    variants = rc_bench.variants_asked(args)
    p = prepare(args)
    torch, device, out = p.torch, p.device, p.out

    def timed(walk, warmup, label):
        result = rc_bench.summary(rc_bench.time_calls(torch, device, walk, warmup, args.steps))
        if args.trace:
            rc_bench.export_trace(torch, device, walk, args.trace, label, calls=1)
        return result

    def eager(name, model):
        def walk():
            with rc_bench.autocast(torch, args, device):
                return ddim(torch, model, p.noise, p.tokens, p.null_tokens, args.ddim_steps, p.ab)
        return timed(walk, args.warmup, f"{name}-eager")

    def graph(name, model):
        graphed = GraphedWalk(torch, args, device, model, p)
        result = timed(lambda: graphed(p.noise), args.warmup, f"{name}-graph")
        result["max_abs_difference_from_eager"] = float((graphed(p.noise) - graphed.eager_images).abs().max())
        return result

    def compiled(name, model, mode):
        def build_and_time(compile_fn):
            c = compile_fn(model)

            def call(*inputs):
                # Each guided call is one step for the CUDA graph modes: its outputs are used before the next call.
                rc_bench.mark_step(torch)
                return c(*inputs)

            def walk():
                with rc_bench.autocast(torch, args, device):
                    return ddim(torch, model, p.noise, p.tokens, p.null_tokens, args.ddim_steps, p.ab, call=call)
            # Compilation (and recording, for the CUDA graph modes) happens in the first walk: warm up one walk longer.
            return timed(walk, max(args.warmup, 1) + 1, f"{name}-compile-{mode}")
        return rc_bench.compiled_or_reason(torch, mode, build_and_time)

    out.update({"batch": args.batch, "ddim_steps": args.ddim_steps, "guidance": GUIDANCE, "warmup": args.warmup, "repeats": args.steps})
    for name, model in p.models:
        configure(torch, args, model)
        results = {}
        for variant in variants:
            if variant == "eager":
                results[variant] = eager(name, model)
            elif variant == "graph":
                results[variant] = rc_bench.variant_or_reason(lambda: graph(name, model))
            else:
                results[variant] = compiled(name, model, variant[len("compile-"):])
            if device.type == "cuda":
                torch.cuda.empty_cache()
        out[name] = results
    rc_bench.emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
