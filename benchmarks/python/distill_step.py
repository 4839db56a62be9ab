#!/usr/bin/env python3
"""PyTorch reference for `randcond-bench distill-step`.

One random-conditioning distillation step as lib/Distillation/DistillationStep.cs does it, on the same networks
(rc_model.py: the RandCond teacher file and its block-removed student): teacher forward without grad, student forward
with the stage features, output KD + feature KD losses (MSE, weights 1:1), backward, gradient clipping at 1.0,
AdamW (lr 2e-4, wd 1e-2), EMA update with warm-up. A fixed batch (x_t, t, tokens) is made once.
Prints ONE JSON line on stdout. Works with torch 1.13 and 2.x.

--verify FILE: instead of timing, reads the inputs and the C# results that `randcond-bench distill-step --verify`
wrote to FILE (safetensors), runs the same forward pass and step, and reports the largest differences.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rc_bench  # noqa: E402

LR, WEIGHT_DECAY, EMA_DECAY, MAX_GRAD_NORM = 2e-4, 1e-2, 0.999, 1.0


class Step:
    """Teacher, student, EMA copy, optimizer; __call__ runs one step (DistillationStep.Run)."""

    def __init__(self, torch, rc_model, args, device, teacher, text, unet):
        self.torch, self.args, self.device = torch, args, device
        self.teacher = teacher
        self.student, s_unet = rc_model.block_removed_student(teacher, text, unet, device)
        self.ema, _ = rc_model.block_removed_student(teacher, text, unet, device)
        self.ema.requires_grad_(False)
        if args.channels_last:
            for m in (self.teacher, self.student, self.ema):
                m.to(memory_format=torch.channels_last)
        self.pairs = rc_model.stage_pairs(s_unet)
        self.trainable = [p for p in self.student.parameters() if p.requires_grad]
        self.opt = torch.optim.AdamW(self.trainable, lr=LR, weight_decay=WEIGHT_DECAY)
        self.ema_params = list(self.ema.parameters())
        self.params = list(self.student.parameters())
        self.step_index = 0
        self.teacher_fn, self.student_fn = self.teacher, self.student

    def compile(self):
        self.teacher_fn = self.torch.compile(self.teacher)
        self.student_fn = self.torch.compile(self.student)

    def forward(self, xt, t, tokens):
        torch, F = self.torch, self.torch.nn.functional
        if self.args.channels_last:
            xt = xt.contiguous(memory_format=torch.channels_last)
        with rc_bench.autocast(torch, self.args, self.device):
            with torch.no_grad():
                te, tf = self.teacher_fn(xt, t, tokens)
            se, sf = self.student_fn(xt, t, tokens)
            output = F.mse_loss(se, te)
            feature = torch.zeros((), device=xt.device)
            for name in self.pairs:
                feature = feature + F.mse_loss(sf[name], tf[name])
            task = torch.zeros((), device=xt.device)
            total = output * 1.0 + feature * 1.0 + task * 0.0
        return te, se, total, output, feature

    def update(self, total):
        torch = self.torch
        total.backward()
        norm = torch.nn.utils.clip_grad_norm_(self.trainable, MAX_GRAD_NORM)
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        decay = min(EMA_DECAY, (1.0 + self.step_index) / (10.0 + self.step_index))
        with torch.no_grad():
            torch._foreach_mul_(self.ema_params, decay)
            torch._foreach_add_(self.ema_params, self.params, alpha=1 - decay)
        self.step_index += 1
        return norm

    def __call__(self, xt, t, tokens):
        _, _, total, _, _ = self.forward(xt, t, tokens)
        self.update(total)
        return total


def random_batch(torch, batch, vocab, device, seed):
    """x_t (B,1,28,28), t (B) in [0, 1000), tokens (B, 12): 3..12 real tokens then padding (id 0)."""
    g = torch.Generator().manual_seed(seed)
    xt = torch.randn(batch, 1, 28, 28, generator=g)
    t = torch.randint(0, 1000, (batch,), generator=g)
    tokens = torch.randint(5, vocab, (batch, 12), generator=g)
    lengths = torch.randint(3, 13, (batch, 1), generator=g)
    tokens = tokens.masked_fill(torch.arange(12).unsqueeze(0) >= lengths, 0)
    return xt.to(device), t.to(device), tokens.to(device)


def verify(torch, rc_model, args, device):
    data, _ = rc_model.read_safetensors(args.verify)
    teacher, text, unet = rc_model.load_teacher(args.teacher, device)
    step = Step(torch, rc_model, args, device, teacher, text, unet)
    xt, t, tokens = (data[k].to(device) for k in ("xt", "t", "tokens"))
    te, se, total, output, feature = step.forward(xt, t, tokens)
    norm = step.update(total)
    ours = {"teacher_eps": te, "student_eps": se, "loss_total": total, "loss_output": output, "loss_feature": feature,
            "grad_norm": norm}
    diffs = {}
    for name, value in ours.items():
        theirs = data[name].to(device).float()
        diffs[name] = {"max_abs_diff": float((value.detach().float() - theirs).abs().max()),
                       "max_abs_value": float(theirs.abs().max())}
    return {"verify": diffs, "batch": int(xt.shape[0])}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    rc_bench.add_config_args(ap)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--verify", metavar="FILE", help="compare against the C# results in FILE instead of timing")
    args = ap.parse_args()

    torch = rc_bench.import_torch()
    import rc_model
    device = rc_bench.setup(torch, args)
    out = rc_bench.environment(torch, args, device)
    if args.verify:
        out.update(verify(torch, rc_model, args, device))
        rc_bench.emit(out)
        return 0

    torch.manual_seed(args.seed)
    teacher, text, unet = rc_model.load_teacher(args.teacher, device)
    xt, t, tokens = random_batch(torch, args.batch, text["vocab_size"], device, args.seed)
    step = Step(torch, rc_model, args, device, teacher, text, unet)
    losses = []
    times = rc_bench.time_calls(torch, device, lambda: losses.append(step(xt, t, tokens)), args.warmup, args.steps)
    out.update({"batch": args.batch, "warmup": args.warmup, "steps": args.steps,
                "student_trainable_parameters": sum(p.numel() for p in step.trainable),
                "loss_first": float(losses[0]), "loss_last": float(losses[-1]), **rc_bench.summary(times)})

    if args.compile:
        def compiled():
            teacher_c, _, _ = rc_model.load_teacher(args.teacher, device)
            s = Step(torch, rc_model, args, device, teacher_c, text, unet)
            s.compile()
            # Compilation happens in the first calls; give it a few more than the eager warm-up.
            ts = rc_bench.time_calls(torch, device, lambda: s(xt, t, tokens), max(args.warmup, 3) + 2, args.steps)
            return rc_bench.summary(ts)
        out["compiled"] = rc_bench.compiled_or_reason(torch, compiled)

    rc_bench.emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
