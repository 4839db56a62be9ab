#!/usr/bin/env python3
"""PyTorch reference for `randcond-bench distill-step`.

One random-conditioning distillation step as lib/Distillation/DistillationStep.cs does it, on the same networks
(rc_model.py: the RandCond teacher file and its block-removed student): teacher forward without grad, student forward
with the stage features, output KD + feature KD losses (MSE, weights 1:1), backward, gradient clipping at 1.0,
AdamW (lr 2e-4, wd 1e-2), EMA update with warm-up. A fixed batch (x_t, t, tokens) is made once.
Prints ONE JSON line on stdout. Works with torch 1.13 and 2.x.

--weights bf16 runs the frozen teacher as a BFloat16 copy outside autocast (C#: DistillationOptions.Bf16Teacher, the
configuration part bf16w); the student keeps --autocast.

Variants of the configuration, each on fresh networks, reported under "variants" as a summary or "unavailable: reason":
  eager                   the step as written (the default; --no-eager leaves it out)
  graph                   (--graph, CUDA) three eager steps on a side stream, then the whole step (forward, losses,
                          backward, clipping, AdamW(capturable=True), the EMA with its decay from a device step counter)
                          captured once with torch.cuda.graph and replayed on the fixed batch; gradients stay allocated
                          (no zero_grad in the graph: the captured backward writes them afresh each replay)
  compile-<mode>          (--compile-mode default,reduce-overhead,max-autotune) teacher and student wrapped in
                          torch.compile(mode=...), optimizer, clipping and EMA eager, with
                          torch.compiler.cudagraph_mark_step_begin() before each step

--trace DIR: after timing each variant, profiles three more steps of it into DIR/VARIANT.json (a Chrome trace), which
`randcond-bench distill-step --profile` sums by kernel kind beside its own.

--verify FILE: instead of timing, reads the inputs and the C# results that `randcond-bench distill-step --verify`
wrote to FILE (safetensors), runs the same forward pass and step, and reports the largest differences.
"""
import argparse
import contextlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rc_bench  # noqa: E402

LR, WEIGHT_DECAY, EMA_DECAY, MAX_GRAD_NORM = 2e-4, 1e-2, 0.999, 1.0


class Step:
    """Teacher, student, EMA copy, optimizer; __call__ runs one step (DistillationStep.Run). graphable: AdamW with
    capturable=True and the EMA's decay computed on the device from a step counter, so the step holds no host number
    that changes between steps and can be captured as a CUDA graph (GraphedStep)."""

    def __init__(self, torch, rc_model, args, device, teacher, text, unet, graphable=False):
        self.torch, self.args, self.device, self.graphable = torch, args, device, graphable
        self.teacher = teacher
        self.student, s_unet = rc_model.block_removed_student(teacher, text, unet, device)
        self.ema, _ = rc_model.block_removed_student(teacher, text, unet, device)
        self.ema.requires_grad_(False)
        # --weights bf16: the frozen teacher in BFloat16, run outside autocast (DistillationOptions.Bf16Teacher); the
        # students above were copied from its float32 weights first.
        self.teacher_dtype = rc_bench.weights_dtype(torch, args)
        self.teacher.to(self.teacher_dtype)
        if args.channels_last:
            for m in (self.teacher, self.student, self.ema):
                m.to(memory_format=torch.channels_last)
        self.pairs = rc_model.stage_pairs(s_unet)
        self.trainable = [p for p in self.student.parameters() if p.requires_grad]
        self.opt = torch.optim.AdamW(self.trainable, lr=LR, weight_decay=WEIGHT_DECAY, **({"capturable": True} if graphable else {}))
        self.ema_params = list(self.ema.parameters())
        self.params = list(self.student.parameters())
        self.step_index = 0
        self.ema_steps = torch.zeros((), device=device) if graphable else None
        self.teacher_fn, self.student_fn = self.teacher, self.student

    def compile(self, compile_fn):
        self.teacher_fn = compile_fn(self.teacher)
        self.student_fn = compile_fn(self.student)

    def forward(self, xt, t, tokens):
        torch, F = self.torch, self.torch.nn.functional
        if self.args.channels_last:
            xt = xt.contiguous(memory_format=torch.channels_last)
        # A graph capture must not cache autocast's casts of the weights (they would be made once, inside the graph).
        with rc_bench.autocast(torch, self.args, self.device, cache_enabled=not self.graphable):
            own_dtype = self.teacher_dtype != torch.float32
            with torch.no_grad(), (torch.autocast(self.device.type, enabled=False) if own_dtype else contextlib.nullcontext()):
                te, tf = self.teacher_fn(xt.to(self.teacher_dtype), t, tokens)
                te = te.to(xt.dtype)
            se, sf = self.student_fn(xt, t, tokens)
            output = F.mse_loss(se, te)
            feature = torch.zeros((), device=xt.device)
            for name in self.pairs:
                target = tf[name]
                # a bf16 teacher's features (--weights bf16): compare in float32, as autocast's mse_loss does
                if target.dtype != sf[name].dtype and target.dtype in (torch.bfloat16, torch.float16):
                    target = target.float()
                feature = feature + F.mse_loss(sf[name], target)
            task = torch.zeros((), device=xt.device)
            total = output * 1.0 + feature * 1.0 + task * 0.0
        return te, se, total, output, feature

    def update(self, total, zero_grad=True):
        torch = self.torch
        total.backward()
        norm = torch.nn.utils.clip_grad_norm_(self.trainable, MAX_GRAD_NORM)
        self.opt.step()
        if zero_grad:
            self.opt.zero_grad(set_to_none=True)
        with torch.no_grad():
            if self.graphable:
                # decay = min(0.999, (1 + k) / (10 + k)) with k on the device, as DistillationStep.Prepare writes it.
                decay = torch.clamp((1.0 + self.ema_steps) / (10.0 + self.ema_steps), max=EMA_DECAY)
                rc_bench.foreach_scale_(torch, self.ema_params, decay)
                torch._foreach_add_(self.ema_params, rc_bench.foreach_scaled(torch, self.params, 1.0 - decay))
                self.ema_steps.add_(1.0)
            else:
                decay = min(EMA_DECAY, (1.0 + self.step_index) / (10.0 + self.step_index))
                torch._foreach_mul_(self.ema_params, decay)
                torch._foreach_add_(self.ema_params, self.params, alpha=1 - decay)
        self.step_index += 1
        return norm

    def __call__(self, xt, t, tokens):
        _, _, total, _, _ = self.forward(xt, t, tokens)
        self.update(total)
        return total


class GraphedStep:
    """A graphable Step captured once as one CUDA graph on static inputs (the fixed batch) and replayed. Three eager steps
    on a side stream first (the optimizer's state, cuBLAS/cuDNN handles and autotuning come into being outside the
    capture); the gradients are set to None before the capture, so the captured backward allocates them in the graph's
    memory and every replay writes them afresh (no zero_grad inside the graph). The loss is the graph's static output."""

    WARMUP_STEPS = 3

    def __init__(self, step, xt, t, tokens):
        torch = step.torch
        if not step.graphable:
            raise ValueError("GraphedStep needs Step(graphable=True)")
        if step.args.channels_last:
            xt = xt.contiguous(memory_format=torch.channels_last)
        self.step, self.inputs = step, (xt, t, tokens)
        rc_bench.side_stream_warmup(torch, step.device, lambda: step(*self.inputs), self.WARMUP_STEPS)
        step.opt.zero_grad(set_to_none=True)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            _, _, self.total, _, _ = step.forward(*self.inputs)
            step.update(self.total, zero_grad=False)

    def __call__(self):
        self.graph.replay()
        return self.total.clone()   # the static output is overwritten by the next replay


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
    rc_bench.add_variant_args(ap, "the whole step")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--trace", metavar="DIR", help=f"after timing each variant, profile {rc_bench.TRACE_CALLS} more steps of it "
                                                  "and write the Chrome trace to DIR/VARIANT.json")
    ap.add_argument("--verify", metavar="FILE", help="compare against the C# results in FILE instead of timing")
    args = ap.parse_args()
    variants = [] if args.verify else rc_bench.variants_asked(args)

    torch = rc_bench.import_torch()
    import rc_model
    device = rc_bench.setup(torch, args)
    out = rc_bench.environment(torch, args, device)
    if args.verify:
        out.update(verify(torch, rc_model, args, device))
        rc_bench.emit(out)
        return 0

    torch.manual_seed(args.seed)
    _, text, _ = rc_model.load_teacher(args.teacher, device)
    xt, t, tokens = random_batch(torch, args.batch, text["vocab_size"], device, args.seed)

    def fresh_step(graphable=False):
        teacher, text_c, unet = rc_model.load_teacher(args.teacher, device)
        return Step(torch, rc_model, args, device, teacher, text_c, unet, graphable)

    def timed(fn, warmup, variant):
        losses = []
        times = rc_bench.time_calls(torch, device, lambda: losses.append(fn()), warmup, args.steps)
        if args.trace:
            rc_bench.export_trace(torch, device, fn, args.trace, variant)
        return {**rc_bench.summary(times), "loss_first": float(losses[0]), "loss_last": float(losses[-1])}

    def eager():
        step = fresh_step()
        out["student_trainable_parameters"] = sum(p.numel() for p in step.trainable)
        return timed(lambda: step(xt, t, tokens), args.warmup, "eager")

    def graph():
        graphed = GraphedStep(fresh_step(graphable=True), xt, t, tokens)
        # The capture's three eager steps count as warm-up steps of the run.
        return {**timed(graphed, max(args.warmup - GraphedStep.WARMUP_STEPS, 1), "graph"), "eager_warmup_steps": GraphedStep.WARMUP_STEPS}

    def compiled(mode):
        def build_and_time(compile_fn):
            step = fresh_step()
            step.compile(compile_fn)

            def one():
                rc_bench.mark_step(torch)
                return step(xt, t, tokens)
            # Compilation (and, for the CUDA graph modes, recording) happens in the first calls: warm up longer.
            return timed(one, max(args.warmup, 3) + 2, f"compile-{mode}")
        return rc_bench.compiled_or_reason(torch, mode, build_and_time)

    results = {}
    for name in variants:
        if name == "eager":
            results[name] = eager()
        elif name == "graph":
            results[name] = rc_bench.variant_or_reason(graph)
        else:
            results[name] = compiled(name[len("compile-"):])
        if device.type == "cuda":
            torch.cuda.empty_cache()
    out.update({"batch": args.batch, "warmup": args.warmup, "steps": args.steps, "variants": results})
    rc_bench.emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
