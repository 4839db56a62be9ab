#!/usr/bin/env python3
"""Where the time of sampling goes, on the PyTorch reference (sample.py's DDIM walk with guidance, teacher and
student). Prints ONE JSON line with, per model: the synchronized wall time of a walk, the host time to issue it (no
synchronization), and from torch.profiler the summed GPU kernel time, the launches and the costliest kernels, all per
guided model call (one DDIM step). A walk whose kernels fill its wall time is bound by the GPU: a CUDA graph then
removes little, and only fewer or cheaper kernels (bf16 weights instead of autocast's casts, fusion) make it faster."""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rc_bench  # noqa: E402
import sample  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    rc_bench.add_config_args(ap)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--ddim-steps", type=int, default=50)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    p = sample.prepare(args)
    torch, device, out = p.torch, p.device, p.out
    out.update({"batch": args.batch, "ddim_steps": args.ddim_steps, "per": "guided model call (one DDIM step)"})

    for name, model in p.models:
        sample.configure(torch, args, model)

        def walk():
            with rc_bench.autocast(torch, args, device):
                return sample.ddim(torch, model, p.noise, p.tokens, p.null_tokens, args.ddim_steps, p.ab)
        walls = rc_bench.time_calls(torch, device, walk, args.warmup, args.steps)
        issue = []
        for _ in range(args.steps):
            rc_bench.sync(torch, device)
            t0 = time.perf_counter()
            walk()
            issue.append((time.perf_counter() - t0) * 1e3)
        rc_bench.sync(torch, device)
        kernels = rc_bench.profile_kernels(torch, device, walk, args.ddim_steps, args.top)
        wall = sorted(walls)[len(walls) // 2] / args.ddim_steps
        out[name] = {"wall_ms": wall, "issue_ms": sorted(issue)[len(issue) // 2] / args.ddim_steps,
                     "gpu_busy_fraction": kernels["gpu_kernel_ms"] / wall, **kernels}
    rc_bench.emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
