#!/usr/bin/env python3
"""PyTorch reference for `randcond-bench norm-kernels`: the GPU kernel time of one GroupNorm of x + shift followed by SiLU
(a U-Net residual block's second norm) on a channels-last bf16 map, per shape, in eager PyTorch (libtorch's add, group_norm
and silu kernels) and under torch.compile (Inductor's generated kernels), both from torch.profiler's kernel time per call.
Prints ONE JSON line."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rc_bench  # noqa: E402


def shapes(text):
    try:
        return [tuple(int(v) for v in item.split("x")) for item in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected CxHxW[,CxHxW...], got {text!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--groups", type=int, default=8)
    ap.add_argument("--shapes", type=shapes, required=True, help="CxHxW,... (channels x height x width)")
    ap.add_argument("--calls", type=int, default=50, help="calls under the profiler per variant")
    args = ap.parse_args()
    torch = rc_bench.import_torch()
    if not args.device.startswith("cuda") or not torch.cuda.is_available():
        rc_bench.emit({"error": "norm_kernels.py times CUDA kernels: it needs --device cuda and a visible GPU"})
        return 2
    device = torch.device(args.device)
    F = torch.nn.functional

    def norm(x, shift, w, b):
        return F.silu(F.group_norm(x + shift[:, :, None, None], args.groups, w, b))

    results = []
    for channels, height, width in args.shapes:
        g = torch.Generator(device=device).manual_seed(0)
        x = (torch.randn(args.batch, channels, height, width, device=device, generator=g) * 3 + 1).to(
            torch.bfloat16).contiguous(memory_format=torch.channels_last)
        shift = torch.randn(args.batch, channels, device=device, generator=g).to(torch.bfloat16)
        w = torch.randn(channels, device=device, generator=g).to(torch.bfloat16)
        b = torch.randn(channels, device=device, generator=g).to(torch.bfloat16)
        entry = {"channels": channels, "height": height, "width": width}
        for name, fn in (("eager", norm), ("compile", torch.compile(norm, dynamic=False))):
            def run(fn=fn):
                for _ in range(args.calls):
                    fn(x, shift, w, b)

            def measure(run=run):
                run()  # warm-up (and compilation)
                rc_bench.sync(torch, device)
                return rc_bench.profile_kernels(torch, device, run, args.calls, 4)
            entry[name] = rc_bench.variant_or_reason(measure)
        results.append(entry)
    rc_bench.emit({"torch_version": torch.__version__, "device_name": torch.cuda.get_device_name(device), "batch": args.batch,
                   "groups": args.groups, "calls": args.calls, "shapes": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
