#!/usr/bin/env python3
"""GPU kernel time of a profiled eager run by the operator that launched it, with its input shapes and strides: reads a
Chrome trace from `randcond-bench sample --profile --keep-traces DIR` (an eager configuration, whose trace has every
operator with its inputs; a replayed graph's has none) or from torch.profiler, and prints the costliest (operator, inputs,
kernel) rows. Strides show layouts: a copy or a strided kernel under a convolution, or an add of an NCHW and a
channels-last map, is a layout that changes where it should not. Kernels our shim launches itself (the fused norms) have
no operator. Standard library only; runs anywhere."""
import argparse
import bisect
import collections
import itertools
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("trace", help="Chrome trace (JSON)")
    ap.add_argument("--top", type=int, default=30, help="rows to print")
    ap.add_argument("--calls", type=float, default=1.0, help="divide times by this (e.g. the DDIM steps the trace holds)")
    ap.add_argument("--grid", action="store_true",
                    help="tell kernels apart by their launch grid too: a backward operator's trace has no input shapes, "
                         "and the grid tells a weight's small copy from an activation's")
    args = ap.parse_args()
    with open(args.trace) as f:
        events = [e for e in json.load(f)["traceEvents"] if e.get("ph") == "X"]
    ops = collections.defaultdict(list)
    for e in events:
        if e.get("cat") == "cpu_op":
            ops[e["tid"]].append(e)
    # Per thread, the operators by start and the running maximum of their ends, so that the earliest-starting operator
    # that holds a launch is one binary search away (a scan per launch took minutes on a 100 MB trace).
    starts, reach = {}, {}
    for tid, thread in ops.items():
        thread.sort(key=lambda e: e["ts"])
        starts[tid] = [e["ts"] for e in thread]
        reach[tid] = list(itertools.accumulate((e["ts"] + e["dur"] for e in thread), max))
    launches = {e["args"]["correlation"]: e for e in events if e.get("cat") == "cuda_runtime" and "correlation" in e.get("args", {})}

    def outermost_op(launch):
        """The outermost operator on the launching thread whose span holds the launch: the first, by start, that has
        started by the launch and ends after it."""
        tid = launch["tid"]
        if tid not in ops:
            return None
        first = bisect.bisect_left(reach[tid], launch["ts"] + launch["dur"])
        if first == len(ops[tid]) or starts[tid][first] > launch["ts"]:
            return None
        return ops[tid][first]

    # A backward operator's event has no inputs; the forward operator that recorded its autograd node has the same
    # sequence number, and its inputs stand in (marked "fwd"). The node's own event inside the backward (e.g.
    # "ConvolutionBackward0") has that number too, with the gradients as inputs: the forward is the earliest.
    forward = {}
    for thread in ops.values():
        for e in thread:
            seq = e["args"].get("Sequence number")
            if seq is not None and not e["name"].startswith("autograd::") and "Input Dims" in e["args"]:
                if seq not in forward or e["ts"] < forward[seq]["ts"]:
                    forward[seq] = e
    forward_inputs = {seq: f"fwd {e['name']} {e['args']['Input Dims']}" for seq, e in forward.items()}

    def inputs_of(op):
        if op["name"].startswith("autograd::engine::evaluate_function"):
            return forward_inputs.get(op["args"].get("Sequence number"), "")
        return f"{op['args'].get('Input Dims', '')} strides {op['args'].get('Input Strides', '')}"

    totals = collections.defaultdict(lambda: [0.0, 0])
    for kernel in (e for e in events if e.get("cat") == "kernel"):
        launch = launches.get(kernel.get("args", {}).get("correlation"))
        op = outermost_op(launch) if launch else None
        inputs = inputs_of(op) if op else ""
        grid = f" grid {kernel.get('args', {}).get('grid')}" if args.grid else ""
        key = (op["name"] if op else "(no operator)", inputs[:160], kernel["name"][:70] + grid)
        totals[key][0] += kernel["dur"]
        totals[key][1] += 1
    total = sum(us for us, _ in totals.values())
    print(f"{total / args.calls:.1f} us of kernels per call in {sum(n for _, n in totals.values()) / args.calls:.0f} launches")
    for (name, inputs, kernel), (us, n) in sorted(totals.items(), key=lambda kv: -kv[1][0])[:args.top]:
        print(f"{us / args.calls:9.1f} us {n / args.calls:6.1f}x  {name}  {kernel}\n{'':28}{inputs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
