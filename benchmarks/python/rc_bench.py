"""Shared parts of the RandCond benchmark references: command-line options for the performance configuration,
applying it, timing, torch.compile that reports failure instead of raising, and the one JSON line on stdout."""
import contextlib
import json
import platform
import statistics
import sys
import time
import traceback


def add_config_args(ap):
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--tf32", type=int, default=0, help="1: TF32 for float32 matmuls and cuDNN convolutions; 0: both off")
    ap.add_argument("--autocast", default="none", choices=["none", "bf16"])
    ap.add_argument("--weights", default="float32", choices=["float32", "bf16"],
                    help="bf16: sample with a bf16 copy of the networks (x_t stays float32, cast at the model's input and output)")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--cudnn-benchmark", type=int, default=0, help="1: cuDNN autotuning (torch.backends.cudnn.benchmark)")
    ap.add_argument("--compile", action="store_true", help="also time the networks wrapped in torch.compile (torch 2.x)")
    ap.add_argument("--teacher", required=True, help="RandCond teacher safetensors file")


def import_torch():
    try:
        import torch  # noqa: F401
        return torch
    except Exception as e:  # noqa: BLE001
        emit({"error": f"cannot import torch: {e!r}"})
        sys.exit(2)


def setup(torch, args):
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        emit({"error": "CUDA requested but torch.cuda.is_available() is False"})
        sys.exit(2)
    # Set explicitly on both sides: libtorch's defaults (matmul TF32 off, cuDNN TF32 on) are not a configuration.
    torch.backends.cuda.matmul.allow_tf32 = bool(args.tf32)
    torch.backends.cudnn.allow_tf32 = bool(args.tf32)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = bool(args.cudnn_benchmark)
    return device


def autocast(torch, args, device):
    if args.autocast == "none":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def weights_dtype(torch, args):
    return torch.bfloat16 if args.weights == "bf16" else torch.float32


def sync(torch, device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_calls(torch, device, fn, warmup, steps):
    """Milliseconds of each of `steps` calls of fn after `warmup` calls, synchronized around each."""
    for _ in range(warmup):
        fn()
    sync(torch, device)
    times = []
    for _ in range(steps):
        sync(torch, device)
        t0 = time.perf_counter_ns()
        fn()
        sync(torch, device)
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return times


def summary(times):
    return {"ms_median": statistics.median(times), "ms_min": min(times), "ms_all": times}


def compiled_or_reason(torch, build_and_time):
    """build_and_time() with torch.compile inside; any failure becomes "unavailable: reason" (never fails the run)."""
    try:
        if not hasattr(torch, "compile"):
            raise RuntimeError(f"torch {torch.__version__} has no torch.compile")
        return build_and_time()
    except Exception as e:  # noqa: BLE001 - a failed compile is a result, not a crash
        traceback.print_exc(file=sys.stderr)
        first_line = (str(e).strip().splitlines() or [type(e).__name__])[0]
        return f"unavailable: {type(e).__name__}: {first_line[:300]}"


def environment(torch, args, device):
    return {
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "python_executable": sys.executable,
        "threads": torch.get_num_threads(),
        "device": str(device),
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor(),
        "cudnn_version": torch.backends.cudnn.version() if device.type == "cuda" else None,
        "tf32": bool(args.tf32),
        "autocast": args.autocast,
        "weights": args.weights,
        "channels_last": bool(args.channels_last),
    }


def profile_kernels(torch, device, fn, calls, top):
    """fn() run once under torch.profiler (CPU and CUDA activity), then kernel_summary per call of what it profiled."""
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        fn()
        sync(torch, device)
    return kernel_summary(prof, calls, top)


def kernel_summary(prof, calls, top):
    """Summed GPU kernel time, launches and the costliest kernels of a torch.profiler run, per call of what it profiled."""
    # Kernel events are the averages whose device is CUDA (torch 2.x names their time self_device_time_total, 1.13 self_cuda_time_total).
    kernels = [e for e in prof.key_averages() if str(getattr(e, "device_type", "")).endswith("CUDA")]

    def gpu_time(e):
        return getattr(e, "self_device_time_total", None) or getattr(e, "self_cuda_time_total", 0)
    total_us = sum(gpu_time(e) for e in kernels)
    return {
        "gpu_kernel_ms": total_us / 1e3 / calls,
        "kernel_launches": sum(e.count for e in kernels) / calls,
        "top_kernels": [{"name": e.key[:120], "ms": gpu_time(e) / 1e3 / calls, "calls": e.count / calls, "share": gpu_time(e) / total_us}
                        for e in sorted(kernels, key=gpu_time, reverse=True)[:top]],
    }


def emit(obj):
    print(json.dumps(obj), flush=True)
