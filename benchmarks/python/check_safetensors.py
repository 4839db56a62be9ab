#!/usr/bin/env python3
"""Reads a safetensors file written by `randcond-bench device-check` with Python's safetensors and checks its
values. Prints one JSON line: {"ok": bool, "detail": str}."""
import json
import sys


def main(path):
    try:
        from safetensors import safe_open
        from safetensors.torch import load_file
        import torch
    except ImportError as e:
        print(json.dumps({"ok": False, "detail": f"python safetensors unavailable: {e}"}))
        return
    t = load_file(path)
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
    expect_a = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    ok = (set(t) == {"a.weight", "b", "c.bf16"}
          and torch.equal(t["a.weight"], expect_a)
          and torch.equal(t["b"], torch.arange(5))
          and t["c.bf16"].dtype == torch.bfloat16
          and torch.equal(t["c.bf16"], (torch.arange(6, dtype=torch.float32) / 3).to(torch.bfloat16))
          and meta == {"written_by": "RandCond"})
    print(json.dumps({"ok": bool(ok), "detail": f"keys {sorted(t)}, metadata {meta}, dtypes {[str(v.dtype) for v in t.values()]}"}))


if __name__ == "__main__":
    main(sys.argv[1])
