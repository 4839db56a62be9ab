#!/usr/bin/env python3
"""PyTorch reference for `randcond-bench convnet-step`.

One training step of a 5-layer conv net on a batch of 64 1x28x28 inputs with 10 classes:
conv(1->32,3,p1)-SiLU-conv(32->64,3,s2,p1)-SiLU-conv(64->64,3,p1)-SiLU-conv(64->128,3,s2,p1)-SiLU-flatten-
linear(128*7*7->10), cross-entropy, backward, AdamW(lr 1e-3, wd 1e-2). Fixed synthetic data made once.
Prints ONE JSON line on stdout (everything else goes to stderr). Works with torch 1.13 and 2.x; with
--compile (CUDA, torch 2.x) it also times the step with the model wrapped in torch.compile, reporting a
failure as "unavailable: reason".
"""
import argparse
import json
import platform
import resource
import statistics
import sys
import time
import traceback


def build(torch, device):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.SiLU(),
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.SiLU(),
        nn.Conv2d(64, 64, 3, padding=1), nn.SiLU(),
        nn.Conv2d(64, 128, 3, stride=2, padding=1), nn.SiLU(),
        nn.Flatten(),
        nn.Linear(128 * 7 * 7, 10),
    ).to(device)


def time_steps(torch, model, x, y, device, warmup, steps):
    """Median and per-step milliseconds of zero_grad + forward + loss + backward + AdamW step."""
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    loss_fn = torch.nn.functional.cross_entropy

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    first = None
    for i in range(warmup):
        loss = step()
        if i == 0:
            first = loss.item()
    sync()
    times = []
    faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(steps):
        sync()
        t0 = time.perf_counter_ns()
        loss = step()
        sync()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before
    if first is None:
        first = loss.item()
    return {
        "ms_per_step_median": statistics.median(times),
        "ms_per_step_min": min(times),
        "ms_per_step_all": times,
        "loss_first": first,
        "loss_last": loss.item(),
        "adamw_foreach": opt.defaults.get("foreach"),
        "minor_page_faults_per_step": faults / max(steps, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--compile", action="store_true", help="also time torch.compile(model) (torch 2.x)")
    args = ap.parse_args()

    try:
        import torch
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"error": f"cannot import torch: {e!r}"}))
        return 2

    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"error": "CUDA requested but torch.cuda.is_available() is False"}))
        return 2
    if device.type == "cuda":
        # The same defaults as libtorch's C++ API, where TF32 is off for matmul but on for cuDNN conv.
        torch.backends.cudnn.benchmark = False

    torch.manual_seed(args.seed)
    x = torch.randn(args.batch, 1, 28, 28, device=device)
    y = torch.randint(0, 10, (args.batch,), device=device)

    model = build(torch, device)
    eager = time_steps(torch, model, x, y, device, args.warmup, args.steps)

    out = {
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "python_executable": sys.executable,
        "threads": torch.get_num_threads(),
        "device": str(device),
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor(),
        "cudnn_version": torch.backends.cudnn.version() if device.type == "cuda" else None,
        "batch": args.batch,
        "warmup": args.warmup,
        "steps": args.steps,
        "parameters": sum(p.numel() for p in model.parameters()),
        **eager,
    }

    if args.compile:
        try:
            if not hasattr(torch, "compile"):
                raise RuntimeError(f"torch {torch.__version__} has no torch.compile")
            torch.manual_seed(args.seed)
            compiled = torch.compile(build(torch, device))
            # Compilation happens in the warm-up steps; give it a few more.
            res = time_steps(torch, compiled, x, y, device, max(args.warmup, 3) + 2, args.steps)
            out["compiled"] = {"ms_per_step_median": res["ms_per_step_median"], "ms_per_step_min": res["ms_per_step_min"],
                               "ms_per_step_all": res["ms_per_step_all"], "loss_last": res["loss_last"]}
        except Exception as e:  # noqa: BLE001 - any failure of compile is a result, not a crash
            traceback.print_exc(file=sys.stderr)
            first_line = (str(e).strip().splitlines() or [type(e).__name__])[0]
            out["compiled"] = f"unavailable: {type(e).__name__}: {first_line[:300]}"

    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
