"""RandCond's text-conditioned diffusion model (lib/Diffusion: TextEncoder + UNetModel) in plain PyTorch, with the
same parameter names, so a RandCond teacher file (safetensors) loads into it unchanged; the block-removed student
(lib/Distillation: StudentSpec.BlockRemoved + TeacherWeightMapping) and the feature pairs that the distillation loss
matches (FeatureMatching.StageOutputs). Used by the benchmark references distill_step.py and sample.py, and checked
against the C# model by `randcond-bench distill-step --verify`. Works with torch 1.13 and 2.x.
"""
import json
import math
import re
import struct

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

_DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "BF16": None, "I64": np.int64, "I32": np.int32,
           "U8": np.uint8, "BOOL": np.bool_}


def read_safetensors(path):
    """(tensors by name as float32/int CPU tensors, metadata) of a safetensors file, without the safetensors package."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n).decode("utf-8"))
        data = f.read()
    meta = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        if info["dtype"] == "BF16":
            words = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
            array = words.view(np.float32)
        else:
            np_dtype = _DTYPES.get(info["dtype"])
            if np_dtype is None:
                raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
            array = np.frombuffer(raw, dtype=np_dtype)
        t = torch.from_numpy(array.copy()).reshape(info["shape"])
        tensors[name] = t.float() if t.is_floating_point() else t
    return tensors, meta


def teacher_configs(vocab_size, size="teacher"):
    """TeacherPreset.For(dataset, vocab, size) (lib/Experiments/TeacherPreset.cs) for the text teachers: "teacher" or
    "quick-teacher" (2x2 pixel patches, fewer channels and stages: the teacher of the quick scale and the main job)."""
    text = dict(vocab_size=vocab_size, max_length=12, width=64, layers=2, heads=4, mlp_mult=4, pad_token=0)
    unet = dict(in_channels=1, out_channels=1, base=32, mults=[1, 2, 2], blocks=[2, 2, 2], self_attn=[1, 2], cross_attn=[1, 2],
                heads=4, ff_mult=4, middle=True, middle_attn=True, groups=8, context_dim=64, patch=1)
    if size == "quick-teacher":
        unet.update(patch=2, base=24, mults=[1, 2], blocks=[2, 2], self_attn=[1], cross_attn=[1])
    elif size != "teacher":
        raise ValueError(f"unknown teacher size {size!r} (this reference knows 'teacher' and 'quick-teacher')")
    return text, unet


def block_removed(unet):
    """StudentSpec.BlockRemoved: one residual block per stage."""
    return dict(unet, blocks=[1] * len(unet["blocks"]))


class MultiHeadAttention(nn.Module):
    def __init__(self, channels, context_dim, heads):
        super().__init__()
        self.channels, self.heads = channels, heads
        self.to_q = nn.Linear(channels, channels, bias=False)
        self.to_k = nn.Linear(context_dim, channels, bias=False)
        self.to_v = nn.Linear(context_dim, channels, bias=False)
        self.to_out = nn.Linear(channels, channels)

    def forward(self, x, context=None, key_mask=None):
        source = x if context is None else context
        b, lq, lk, dh = x.shape[0], x.shape[1], source.shape[1], self.channels // self.heads

        def split(t, length):
            return t.view(b, length, self.heads, dh).transpose(1, 2)

        q, k, v = split(self.to_q(x), lq), split(self.to_k(source), lk), split(self.to_v(source), lk)
        mask = None if key_mask is None else attendable_keys(key_mask).view(b, 1, 1, lk)
        o = attention(q, k, v, mask)
        return self.to_out(o.transpose(1, 2).reshape(b, lq, self.channels))


def attendable_keys(key_mask):
    """MultiHeadAttention.AttendableKeys: a row with no real token attends to every key."""
    return key_mask | (key_mask.sum(1, keepdim=True) == 0)


def attention(q, k, v, mask):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    scores = (q * (1.0 / math.sqrt(q.shape[-1]))) @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return scores.softmax(-1) @ v


def feed_forward(channels, mult):
    return nn.Sequential(nn.Linear(channels, mult * channels), nn.GELU(), nn.Linear(mult * channels, channels))


class TransformerLayer(nn.Module):
    def __init__(self, width, heads, mlp_mult):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = MultiHeadAttention(width, width, heads)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = feed_forward(width, mlp_mult)

    def forward(self, x, mask):
        h = x + self.attn(self.ln1(x), key_mask=mask)
        return h + self.mlp(self.ln2(h))


class TextEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.pad_token = c["pad_token"]
        self.token_embedding = nn.Embedding(c["vocab_size"], c["width"])
        self.position_embedding = nn.Parameter(torch.zeros(c["max_length"], c["width"]))
        self.layers = nn.ModuleList([TransformerLayer(c["width"], c["heads"], c["mlp_mult"]) for _ in range(c["layers"])])
        self.final_ln = nn.LayerNorm(c["width"])

    def forward(self, tokens):
        keep = tokens != self.pad_token
        h = self.token_embedding(tokens) + self.position_embedding[: tokens.shape[1]]
        for layer in self.layers:
            h = layer(h, keep)
        return self.final_ln(h), keep


class TimeEmbedding(nn.Module):
    def __init__(self, sinusoid_dim, dim):
        super().__init__()
        self.sinusoid_dim = sinusoid_dim
        self.linear1 = nn.Linear(sinusoid_dim, dim)
        self.linear2 = nn.Linear(dim, dim)

    def forward(self, t):
        half = self.sinusoid_dim // 2
        freqs = (torch.arange(0, half, dtype=torch.float32, device=t.device) * (-math.log(10000.0) / half)).exp()
        args = t.float().unsqueeze(1) * freqs.unsqueeze(0)
        features = torch.cat([args.sin(), args.cos()], 1).to(self.linear1.weight.dtype)
        return self.linear2(F.silu(self.linear1(features)))


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, time_dim, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_proj = nn.Linear(time_dim, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, time_silu):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_proj(time_silu).unsqueeze(2).unsqueeze(3)
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.skip is None else self.skip(x)) + h


class AttentionBlock(nn.Module):
    def __init__(self, channels, heads, groups, self_attn, cross_attn, context_dim, ff_mult):
        super().__init__()
        self.norm = nn.GroupNorm(groups, channels)
        self.proj_in = nn.Linear(channels, channels)
        if self_attn:
            self.self_norm = nn.LayerNorm(channels)
            self.self_attn = MultiHeadAttention(channels, channels, heads)
        else:
            self.self_attn = None
        if cross_attn:
            self.cross_norm = nn.LayerNorm(channels)
            self.cross_attn = MultiHeadAttention(channels, context_dim, heads)
        else:
            self.cross_attn = None
        self.ff_norm = nn.LayerNorm(channels)
        self.ff = feed_forward(channels, ff_mult)
        self.proj_out = nn.Linear(channels, channels)

    def forward(self, x, context, mask):
        b, c, hh, ww = x.shape
        h = self.proj_in(self.norm(x).reshape(b, c, hh * ww).transpose(1, 2))
        if self.self_attn is not None:
            h = h + self.self_attn(self.self_norm(h))
        if self.cross_attn is not None:
            h = h + self.cross_attn(self.cross_norm(h), context, mask)
        h = h + self.ff(self.ff_norm(h))
        h = self.proj_out(h).transpose(1, 2).reshape(x.shape)
        return x + h


class Stage(nn.Module):
    """UNetStage: res.j (+ attn.j), then downsample (stride-2 conv) or upsample (nearest x2 + conv)."""

    def __init__(self, name, stage, channels, inputs, self_attn, cross_attn, resample, is_up, u):
        super().__init__()
        self.name, self.is_up = name, is_up
        time_dim = 4 * u["base"]
        self.res = nn.ModuleList([ResidualBlock(i, channels, time_dim, u["groups"]) for i in inputs])
        self.attn = nn.ModuleList([AttentionBlock(channels, u["heads"], u["groups"], self_attn, cross_attn, u["context_dim"], u["ff_mult"])
                                   for _ in inputs]) if (self_attn or cross_attn) else None
        self.resample_name = ("upsample" if is_up else "downsample") if resample else None
        if resample:
            self.add_module(self.resample_name, nn.Conv2d(channels, channels, 3, stride=1 if is_up else 2, padding=1))

    def forward(self, h, time_silu, context, mask, skips, capture):
        for j, block in enumerate(self.res):
            if self.is_up:
                h = torch.cat([h, skips.pop()], 1)
            h = block(h, time_silu)
            if self.attn is not None:
                h = self.attn[j](h, context, mask)
            if not self.is_up:
                skips.append(h)
        if self.resample_name is not None:
            conv = getattr(self, self.resample_name)
            if self.is_up:
                h = conv(F.interpolate(h, size=[h.shape[2] * 2, h.shape[3] * 2], mode="nearest"))
            else:
                h = conv(h)
                skips.append(h)
        capture[self.name + ".out"] = h
        return h


class Middle(nn.Module):
    def __init__(self, c, u):
        super().__init__()
        time_dim = 4 * u["base"]
        self.res = nn.ModuleList([ResidualBlock(c, c, time_dim, u["groups"]) for _ in range(2)])
        self.attn = AttentionBlock(c, u["heads"], u["groups"], True, True, u["context_dim"], u["ff_mult"]) if u["middle_attn"] else None

    def forward(self, h, time_silu, context, mask):
        h = self.res[0](h, time_silu)
        if self.attn is not None:
            h = self.attn(h, context, mask)
        return self.res[1](h, time_silu)


class UNet(nn.Module):
    """UNetModel with Text conditioning (UNetLayout's channel plan); PatchSize p folds p x p pixels into channels before
    the first convolution and back after the last. Returns (output, stage features)."""

    def __init__(self, u):
        super().__init__()
        stages = len(u["mults"])
        ch_of = [u["base"] * m for m in u["mults"]]
        self.time = TimeEmbedding(u["base"], 4 * u["base"])
        self.patch = u.get("patch", 1)
        self.add_module("in", nn.Conv2d(u["in_channels"] * self.patch ** 2, ch_of[0], 3, padding=1))
        ch, skips, down = ch_of[0], [ch_of[0]], []
        for s in range(stages):
            inputs = []
            for _ in range(u["blocks"][s]):
                inputs.append(ch)
                ch = ch_of[s]
                skips.append(ch)
            resample = s < stages - 1
            if resample:
                skips.append(ch)
            down.append(Stage(f"down.{s}", s, ch_of[s], inputs, s in u["self_attn"], s in u["cross_attn"], resample, False, u))
        self.down = nn.ModuleList(down)
        self.mid = Middle(ch, u) if u["middle"] else None
        up = [None] * stages
        for s in reversed(range(stages)):
            inputs = []
            for _ in range(u["blocks"][s] + 1):
                inputs.append(ch + skips.pop())
                ch = ch_of[s]
            up[s] = Stage(f"up.{s}", s, ch_of[s], inputs, s in u["self_attn"], s in u["cross_attn"], s > 0, True, u)
        self.up = nn.ModuleList(up)
        self.out = nn.Module()
        self.out.norm = nn.GroupNorm(u["groups"], ch_of[0])
        self.out.conv = nn.Conv2d(ch_of[0], u["out_channels"] * self.patch ** 2, 3, padding=1)

    def forward(self, x, t, context, mask):
        capture = {}
        time_silu = F.silu(self.time(t))
        h = getattr(self, "in")(F.pixel_unshuffle(x, self.patch) if self.patch > 1 else x)
        skips = [h]
        for stage in self.down:
            h = stage(h, time_silu, context, mask, skips, capture)
        if self.mid is not None:
            h = self.mid(h, time_silu, context, mask)
            capture["mid"] = h
        for stage in reversed(self.up):
            h = stage(h, time_silu, context, mask, skips, capture)
        y = self.out.conv(F.silu(self.out.norm(h)))
        return (F.pixel_shuffle(y, self.patch) if self.patch > 1 else y), capture


class TextDiffusionModel(nn.Module):
    """TextDiffusionModel: text.* and unet.*; forward(x_t, t, tokens) -> (eps, stage features)."""

    def __init__(self, text, unet):
        super().__init__()
        self.text = TextEncoder(text)
        self.unet = UNet(unet)

    def forward(self, x, t, tokens):
        context, mask = self.text(tokens)
        return self.unet(x, t, context, mask)


def load_teacher(path, device):
    """TeacherFile.Load: the teacher in float32 on device, frozen, with its vocabulary size."""
    tensors, meta = read_safetensors(path)
    preset = meta.get("preset", "")
    size = "quick-teacher" if preset.endswith("-quick-teacher-v1") else "teacher" if preset.endswith("-teacher-v1") else None
    if size is None or "-label-" in preset:
        raise ValueError(f"{path}: preset {preset!r} is not a text teacher this reference knows ('*-teacher-v1', '*-quick-teacher-v1')")
    vocab = len(meta["vocabulary"].split("\n"))
    text, unet = teacher_configs(vocab, size)
    model = TextDiffusionModel(text, unet)
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    if missing or unexpected:
        raise ValueError(f"{path}: parameter names differ from the reference model: missing {missing[:5]}, unexpected {unexpected[:5]}")
    model = model.to(device).eval()
    model.requires_grad_(False)
    return model, text, unet


_UP_BLOCK = re.compile(r"(^|\.)up\.(\d+)\.(res|attn)\.(\d+)\.")


def teacher_name(student_name, student_unet, teacher_unet):
    """TeacherWeightMapping.TeacherName: a shorter up stage takes the teacher's first blocks and, for its last, the teacher's last."""
    def repl(m):
        stage, block = int(m.group(2)), int(m.group(4))
        sb, tb = student_unet["blocks"][stage] + 1, teacher_unet["blocks"][stage] + 1
        mapped = tb - 1 if block == sb - 1 else block
        return f"{m.group(1)}up.{stage}.{m.group(3)}.{mapped}."
    return _UP_BLOCK.sub(repl, student_name)


def block_removed_student(teacher, text, unet, device):
    """DistillationStudent(teacher, BlockRemoved): the teacher's frozen text encoder, U-Net weights copied by name."""
    s_unet = block_removed(unet)
    student = TextDiffusionModel(text, s_unet).to(device)
    source = dict(teacher.named_parameters())
    with torch.no_grad():
        for name, p in student.named_parameters():
            src = source.get(teacher_name(name, s_unet, unet))
            if src is None or src.shape != p.shape:
                raise ValueError(f"block-removed student: no teacher tensor for {name}")
            p.copy_(src)
    student.text.requires_grad_(False)
    return student, s_unet


def stage_pairs(s_unet):
    """FeatureMatching.StageOutputs for a block-removed student (equal widths, no projections): every stage output and mid."""
    n = len(s_unet["mults"])
    return [f"down.{s}.out" for s in range(n)] + (["mid"] if s_unet["middle"] else []) + [f"up.{s}.out" for s in reversed(range(n))]

