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
    torch = rc_bench.import_torch()
    import rc_model
    device = rc_bench.setup(torch, args)
    out = rc_bench.environment(torch, args, device)
    torch.manual_seed(args.seed)
    teacher, text, unet = rc_model.load_teacher(args.teacher, device)
    student, _ = rc_model.block_removed_student(teacher, text, unet, device)
    student.eval()
    ab = sample.alpha_bars(torch)
    noise = torch.randn(args.batch, 1, 28, 28, device=device)
    tokens = torch.randint(5, text["vocab_size"], (args.batch, 12), device=device)
    null_tokens = torch.zeros(args.batch, 12, dtype=torch.long, device=device)
    null_tokens[:, :3] = torch.tensor([1, 4, 2], device=device)
    if args.channels_last:
        noise = noise.contiguous(memory_format=torch.channels_last)
    out.update({"batch": args.batch, "ddim_steps": args.ddim_steps, "per": "guided model call (one DDIM step)"})

    from torch.profiler import ProfilerActivity, profile
    for name, model in (("teacher", teacher), ("student", student)):
        model.to(rc_bench.weights_dtype(torch, args))
        if args.channels_last:
            model.to(memory_format=torch.channels_last)

        def walk():
            with rc_bench.autocast(torch, args, device):
                return sample.ddim(torch, model, noise, tokens, null_tokens, args.ddim_steps, ab)
        walls = rc_bench.time_calls(torch, device, walk, args.warmup, args.steps)
        issue = []
        for _ in range(args.steps):
            rc_bench.sync(torch, device)
            t0 = time.perf_counter()
            walk()
            issue.append((time.perf_counter() - t0) * 1e3)
        rc_bench.sync(torch, device)
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            walk()
            rc_bench.sync(torch, device)
        kernels = rc_bench.kernel_summary(prof, args.ddim_steps, args.top)
        wall = sorted(walls)[len(walls) // 2] / args.ddim_steps
        out[name] = {"wall_ms": wall, "issue_ms": sorted(issue)[len(issue) // 2] / args.ddim_steps,
                     "gpu_busy_fraction": kernels["gpu_kernel_ms"] / wall, **kernels}
    rc_bench.emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
