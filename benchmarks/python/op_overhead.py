#!/usr/bin/env python3
"""PyTorch reference for `randcond-bench op-overhead`.

Times a small-tensor add (shape [4], float32) in a tight Python loop: `z = x + x`. Prints ONE JSON line on
stdout (everything else goes to stderr). Works with torch 1.13 and 2.x.
"""
import argparse
import json
import platform
import statistics
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--ops", type=int, default=200_000, help="operations per repetition")
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions")
    ap.add_argument("--warmup", type=int, default=50_000, help="untimed operations before timing")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    try:
        import torch
    except Exception as e:  # noqa: BLE001 - report any import failure to the caller
        print(json.dumps({"error": f"cannot import torch: {e!r}"}))
        return 2

    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"error": "CUDA requested but torch.cuda.is_available() is False"}))
        return 2
    torch.manual_seed(0)
    x = torch.randn(4, dtype=torch.float32, device=device)

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    for _ in range(args.warmup):
        z = x + x
    sync()

    reps_us = []
    n = args.ops
    for _ in range(args.reps):
        sync()
        t0 = time.perf_counter_ns()
        for _ in range(n):
            z = x + x
        sync()
        t1 = time.perf_counter_ns()
        reps_us.append((t1 - t0) / 1000.0 / n)
    del z

    print(json.dumps({
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "python_executable": sys.executable,
        "threads": torch.get_num_threads(),
        "device": str(device),
        "ops_per_rep": n,
        "reps": args.reps,
        "us_per_op_median": statistics.median(reps_us),
        "us_per_op_min": min(reps_us),
        "us_per_op_reps": reps_us,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
