#!/usr/bin/env python3
"""Which scaled_dot_product_attention backend is fastest on the distillation step's own attention calls. Records every
attention call of one forward of the teacher and its block-removed student (rc_model.py, the teacher file given) at the
step's batch under bf16 autocast, then times each distinct call (q, k, v shapes, key mask or none) on every backend
PyTorch has (cuDNN, flash, memory-efficient, math) and on the one PyTorch picks by default: forward alone (the teacher,
sampling) and forward + backward (the student), in microseconds per call from CUDA events over many calls. A backend
that refuses a call (flash takes no mask) is reported as such. Prints ONE JSON line."""
import argparse
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rc_bench  # noqa: E402
import rc_model  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--teacher", required=True)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--calls", type=int, default=50)
    args = ap.parse_args()
    torch = rc_bench.import_torch()
    if not torch.cuda.is_available():
        rc_bench.emit({"error": "attention_backends.py times CUDA kernels: it needs a visible GPU"})
        return 2
    from torch.nn.attention import SDPBackend, sdpa_kernel
    F = torch.nn.functional
    device = torch.device("cuda")
    teacher, text, unet = rc_model.load_teacher(args.teacher, device)
    student, _ = rc_model.block_removed_student(teacher, text, unet, device)

    calls = {}
    plain = rc_model.attention

    def recording(q, k, v, mask):
        key = (tuple(q.shape), tuple(k.shape), None if mask is None else tuple(mask.shape))
        calls[key] = calls.get(key, 0) + 1
        return plain(q, k, v, mask)

    rc_model.attention = recording
    g = torch.Generator().manual_seed(0)
    xt = torch.randn(args.batch, 1, 28, 28, generator=g).to(device)
    t = torch.randint(0, 1000, (args.batch,), generator=g).to(device)
    tokens = torch.randint(5, 60, (args.batch, 12), generator=g)
    lengths = torch.randint(3, 13, (args.batch, 1), generator=g)
    tokens = tokens.masked_fill(torch.arange(12).unsqueeze(0) >= lengths, 0).to(device)
    with torch.no_grad(), torch.autocast("cuda", torch.bfloat16):
        teacher(xt, t, tokens)
        teacher_calls = dict(calls)
        calls.clear()
        student(xt, t, tokens)
        student_calls = dict(calls)
    rc_model.attention = plain

    def time_us(fn):
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(args.calls):
            fn()
        end.record()
        torch.cuda.synchronize()
        return start.elapsed_time(end) * 1000.0 / args.calls

    backends = {"default": None, "cudnn": SDPBackend.CUDNN_ATTENTION, "flash": SDPBackend.FLASH_ATTENTION,
                "efficient": SDPBackend.EFFICIENT_ATTENTION, "math": SDPBackend.MATH}
    rows = []
    for (qs, ks, ms), count_t in sorted(set((k, teacher_calls.get(k, 0)) for k in set(teacher_calls) | set(student_calls))):
        count_s = student_calls.get((qs, ks, ms), 0)
        q = torch.randn(qs, device=device, dtype=torch.bfloat16, requires_grad=True)
        k = torch.randn(ks, device=device, dtype=torch.bfloat16, requires_grad=True)
        v = torch.randn(ks, device=device, dtype=torch.bfloat16, requires_grad=True)
        mask = None
        if ms is not None:
            keys = ks[2]
            lens = torch.randint(3, keys + 1, (qs[0], 1), device=device)
            mask = (torch.arange(keys, device=device).unsqueeze(0) < lens).view(ms)
        grad = torch.randn(qs, device=device, dtype=torch.bfloat16)
        row = {"q": list(qs), "k": list(ks), "mask": ms is not None, "teacher_calls": count_t, "student_calls": count_s}
        for name, backend in backends.items():
            def fwd():
                with torch.no_grad():
                    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)

            def fwd_bwd():
                o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
                torch.autograd.grad(o, (q, k, v), grad)
            try:
                if backend is None:
                    row[name] = {"forward_us": time_us(fwd), "forward_backward_us": time_us(fwd_bwd)}
                else:
                    with sdpa_kernel([backend]):
                        row[name] = {"forward_us": time_us(fwd), "forward_backward_us": time_us(fwd_bwd)}
            except RuntimeError as e:
                row[name] = {"error": str(e).splitlines()[0][:160]}
        rows.append(row)

    def total(name, key, who):
        s = 0.0
        for r in rows:
            n = r[who]
            if n == 0:
                continue
            if "error" in r[name]:
                return None
            s += n * r[name][key]
        return s
    totals = {name: {"teacher_forward_us": total(name, "forward_us", "teacher_calls"),
                     "student_forward_backward_us": total(name, "forward_backward_us", "student_calls")} for name in backends}
    rc_bench.emit({"command": " ".join(["python3"] + sys.argv), "git_commit": os.environ.get("RANDCOND_COMMIT", "unknown"),
                   "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "device": torch.cuda.get_device_name(), "torch": torch.__version__, "batch": args.batch, "calls": rows, "per_step": totals})
    return 0


if __name__ == "__main__":
    sys.exit(main())
