#!/usr/bin/env python3
"""Where the time of one distillation step goes, on the PyTorch reference (distill_step.py's Step; the C# step issues
the same kernels, as `distill-step --verify` shows). Prints ONE JSON line: the synchronized wall time per step, the
host time to issue a step (no synchronization), the summed GPU kernel time per step from torch.profiler, and the
kernels that take the most GPU time. If the GPU is busy for nearly the whole wall time, the step is bound by its
kernels and removing launch overhead (CUDA graphs, a faster host language) cannot make it much faster."""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rc_bench  # noqa: E402
import distill_step  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    rc_bench.add_config_args(ap)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    torch = rc_bench.import_torch()
    import rc_model
    device = rc_bench.setup(torch, args)
    out = rc_bench.environment(torch, args, device)
    torch.manual_seed(args.seed)
    teacher, text, unet = rc_model.load_teacher(args.teacher, device)
    xt, t, tokens = distill_step.random_batch(torch, args.batch, text["vocab_size"], device, args.seed)
    step = distill_step.Step(torch, rc_model, args, device, teacher, text, unet)
    for _ in range(args.warmup):
        step(xt, t, tokens)
    rc_bench.sync(torch, device)

    issue = []
    start = time.perf_counter()
    for _ in range(args.steps):
        s = time.perf_counter()
        step(xt, t, tokens)
        issue.append((time.perf_counter() - s) * 1e3)
    rc_bench.sync(torch, device)
    wall = (time.perf_counter() - start) * 1e3 / args.steps

    def steps():
        for _ in range(args.steps):
            step(xt, t, tokens)
    kernels = rc_bench.profile_kernels(torch, device, steps, args.steps, args.top)
    out.update({
        "batch": args.batch, "steps": args.steps,
        "wall_ms_per_step": wall,
        "issue_ms_per_step_median": sorted(issue)[len(issue) // 2],
        "gpu_kernel_ms_per_step": kernels["gpu_kernel_ms"],
        "gpu_busy_fraction": kernels["gpu_kernel_ms"] / wall,
        "kernel_launches_per_step": kernels["kernel_launches"],
        "top_kernels": [{"name": k["name"], "ms_per_step": k["ms"], "calls_per_step": k["calls"], "share": k["share"]} for k in kernels["top_kernels"]],
    })
    rc_bench.emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
