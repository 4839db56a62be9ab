"""Shared parts of the RandCond benchmark references: command-line options for the performance configuration and for
the PyTorch variants to time (eager, one CUDA graph, torch.compile modes), applying them, timing, variants that report
failure instead of raising, and the one JSON line on stdout."""
import argparse
import contextlib
import importlib
import json
import os
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
    ap.add_argument("--teacher", required=True, help="RandCond teacher safetensors file")


COMPILE_MODES = ("default", "reduce-overhead", "max-autotune")


def add_variant_args(ap, what):
    """The PyTorch variants of one configuration that distill_step.py and sample.py time; `what` names the captured work."""
    ap.add_argument("--no-eager", action="store_true", help="leave out the eager measurement (time only the variants asked for)")
    ap.add_argument("--graph", action="store_true",
                    help=f"also time {what} captured once as one CUDA graph and replayed (CUDA only)")
    ap.add_argument("--compile-mode", type=compile_modes, default=[], metavar="MODE[,MODE]",
                    help="also time torch.compile in these modes: " + ", ".join(COMPILE_MODES) +
                         " (torch 2.x; a mode that fails is reported as 'unavailable: reason')")
    ap.add_argument("--compile", action="store_true", help="the same as --compile-mode default")


def compile_modes(text):
    modes = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in modes if m not in COMPILE_MODES]
    if unknown or not modes:
        raise argparse.ArgumentTypeError(f"unknown torch.compile mode(s) {unknown or text!r}; expected a comma-separated list of {', '.join(COMPILE_MODES)}")
    return modes


def variants_asked(args):
    """The variant names to time, in order (cheapest and most robust first): eager, graph, compile-<mode>...;
    refuses --graph off CUDA before torch is imported."""
    if args.graph and not args.device.startswith("cuda"):
        emit({"error": f"--graph needs --device cuda: a CUDA graph records GPU work, and the device is {args.device}"})
        sys.exit(2)
    modes = list(args.compile_mode)
    if args.compile and "default" not in modes:
        modes.insert(0, "default")
    names = ([] if args.no_eager else ["eager"]) + (["graph"] if args.graph else []) + [f"compile-{m}" for m in modes]
    if not names:
        emit({"error": "--no-eager leaves nothing to time: add --graph or --compile-mode"})
        sys.exit(2)
    return names


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


def autocast(torch, args, device, cache_enabled=True):
    """The configuration's autocast; a CUDA graph capture needs cache_enabled=False (a cached cast made during capture
    would live in the graph's memory and be reused outside it)."""
    if args.autocast == "none":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, cache_enabled=cache_enabled)


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


def variant_or_reason(build_and_time):
    """build_and_time(); any failure becomes "unavailable: reason" (a variant that fails is a result, never a crash)."""
    try:
        return build_and_time()
    except Exception as e:  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        first_line = (str(e).strip().splitlines() or [type(e).__name__])[0]
        return f"unavailable: {type(e).__name__}: {first_line[:300]}"


def compiled_or_reason(torch, mode, build_and_time):
    """build_and_time(compile) where compile(module) is torch.compile in `mode`; failure becomes "unavailable: reason".
    Dynamo's caches are reset first, so each mode compiles afresh and earlier modes do not count against its
    recompilation limit."""
    def attempt():
        if not hasattr(torch, "compile"):
            raise RuntimeError(f"torch {torch.__version__} has no torch.compile")
        importlib.import_module("torch._dynamo").reset()
        return build_and_time(lambda module: torch.compile(module, mode=mode))
    return variant_or_reason(attempt)


def mark_step(torch):
    """torch.compiler.cudagraph_mark_step_begin() where it exists: the compiled modes that replay CUDA graphs
    (reduce-overhead, max-autotune) free a call's outputs at the next call unless told where a step begins."""
    compiler = getattr(torch, "compiler", None)
    if compiler is not None and hasattr(compiler, "cudagraph_mark_step_begin"):
        compiler.cudagraph_mark_step_begin()


def side_stream_warmup(torch, device, fn, calls):
    """fn() `calls` times on a side stream, as CUDA graph capture wants (lazy initialisation, cuBLAS workspaces and
    autotuning happen outside the capture and off the capturing stream)."""
    side = torch.cuda.Stream(device)
    side.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(side):
        for _ in range(calls):
            fn()
    torch.cuda.current_stream(device).wait_stream(side)


def foreach_scale_(torch, tensors, factor):
    """tensors *= factor, factor a 0-d device tensor, with no host read (capturable): one fused call on torch >= 2.1."""
    if _has_foreach_tensor_scalar(torch):
        torch._foreach_mul_(tensors, factor)
    else:
        for x in tensors:
            x.mul_(factor)


def foreach_scaled(torch, tensors, factor):
    """[x * factor for x in tensors], factor a 0-d device tensor, with no host read (capturable)."""
    if _has_foreach_tensor_scalar(torch):
        return torch._foreach_mul(tensors, factor)
    return [x * factor for x in tensors]


def _has_foreach_tensor_scalar(torch):
    """torch._foreach_mul(list, Tensor) exists from torch 2.1."""
    major, minor = (int(part) for part in torch.__version__.split(".")[:2])
    return (major, minor) >= (2, 1)


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


TRACE_CALLS = 3


def export_trace(torch, device, fn, directory, variant, calls=TRACE_CALLS):
    """`calls` calls of fn under torch.profiler (CPU and CUDA activity; kernels replayed from a CUDA graph included),
    saved as directory/variant.json for `randcond-bench` to sum by kernel kind."""
    from torch.profiler import ProfilerActivity, profile
    os.makedirs(directory, exist_ok=True)
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(calls):
            fn()
        sync(torch, device)
    prof.export_chrome_trace(os.path.join(directory, f"{variant}.json"))


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
