#!/usr/bin/env python3
"""Trains the small language model of the perplexity test and writes it as ONNX.

Corpus: the English quotations of Debian's `fortunes` package (apt-get install fortunes; text
files in /usr/share/games/fortunes, about 2.6 MB). Every file that has a .dat index is read, split
into fortunes at the "%" lines, and every 10th fortune (by position in the sorted files) is held
out: the held-out text is never seen in training and provides the evaluation sequences.

Model: byte-level (vocabulary 256) GPT-style decoder. Token embedding (Gather), learned positions
(up to 128), 2 pre-LayerNorm blocks with hidden size 256, 4 attention heads with a causal mask,
MLP 4x with exact (erf) GELU, a final LayerNorm and an LM head MatMul [256, 256]. Separate q, k,
v, o projections, so each block has six weight MatMuls (q, k, v, o, fc1, fc2).

Training: torch on the CPU in fp32, AdamW with warmup and cosine decay, STEPS steps of BATCH random
windows of 129 bytes, fixed seeds, 2 threads: about 6 minutes on 2 idle cores (it reaches a
training loss of ~2.38 nats per byte, a held-out perplexity of ~10.7 per byte: a small, briefly
trained model, enough for weight compression to show its effect).

Output (this directory):
  lm.onnx          opset 17, every tensor float16 (weights, activations and the logits), input
                   `tokens` int64 [batch, seq <= 128], output `logits` float16 [batch, seq, 256].
                   About 3.5 MB. The graph is written with the onnx helper API from the
                   trained weights, not through torch.onnx, so names and node order are fixed.
                   lm_perplexity_test.cc evaluates it as stored and widened to float32 (where
                   ORT and our executor can be compared tightly).
  eval_tokens.npy  int64 [64, 128]: 64 held-out windows of 128 bytes.
  lm_reference.txt the perplexity torch measured on eval_tokens.npy with the fp16-rounded weights
                   (computed in fp32), and the training loss, for the test and the docs.

Regenerate from the repository root with

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tests/lm/make_lm.py

Needs torch 1.13, onnx 1.12 and numpy (Debian python3-torch, python3-onnx, python3-numpy). With
the same package versions on the same machine the run is repeatable (fixed seeds, deterministic
algorithms, a fixed thread count); across CPUs torch's float results may differ slightly, so the
committed lm.onnx, eval_tokens.npy and lm_reference.txt are the reference, not a regeneration.
"""
import glob
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
CORPUS_DIR = '/usr/share/games/fortunes'

VOCAB = 256
HIDDEN = 256
HEADS = 4
BLOCKS = 2
MLP = 4 * HIDDEN
CONTEXT = 128
LN_EPS = 1e-5

SEED = 20240
STEPS = 360
BATCH = 32
LR = 3e-3
WARMUP = 40
HOLDOUT_EVERY = 10
EVAL_SEQUENCES = 64
TEST_SEQUENCES = 16  # what lm_perplexity_test.cc evaluates (first rows)
MAX_BYTES = 5 * 1024 * 1024


def read_corpus():
    files = sorted(p[:-4] for p in glob.glob(os.path.join(CORPUS_DIR, '*.dat')))
    if not files:
        sys.exit(f'no fortune files in {CORPUS_DIR}: apt-get install fortunes')
    train, held_out = bytearray(), bytearray()
    index = 0
    for path in files:
        with open(path, 'rb') as f:
            text = f.read()
        for fortune in text.split(b'\n%\n'):
            fortune = fortune.strip(b'%\n')
            if not fortune:
                continue
            target = held_out if index % HOLDOUT_EVERY == HOLDOUT_EVERY - 1 else train
            target += fortune + b'\n\n'
            index += 1
    return np.frombuffer(bytes(train), dtype=np.uint8), np.frombuffer(bytes(held_out), np.uint8)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.q = nn.Linear(HIDDEN, HIDDEN)
        self.k = nn.Linear(HIDDEN, HIDDEN)
        self.v = nn.Linear(HIDDEN, HIDDEN)
        self.o = nn.Linear(HIDDEN, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.fc1 = nn.Linear(HIDDEN, MLP)
        self.fc2 = nn.Linear(MLP, HIDDEN)

    def forward(self, x, mask):
        b, t, _ = x.shape
        h = self.ln1(x)
        dh = HIDDEN // HEADS

        def heads(y):
            return y.reshape(b, t, HEADS, dh).transpose(1, 2)

        q, k, v = heads(self.q(h)), heads(self.k(h)), heads(self.v(h))
        scores = q @ k.transpose(2, 3) * (1.0 / math.sqrt(dh)) + mask[:t, :t]
        att = torch.softmax(scores, dim=-1) @ v
        x = x + self.o(att.transpose(1, 2).reshape(b, t, HIDDEN))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, HIDDEN)
        self.pos = nn.Parameter(torch.zeros(CONTEXT, HIDDEN))
        self.blocks = nn.ModuleList(Block() for _ in range(BLOCKS))
        self.ln_f = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.head = nn.Linear(HIDDEN, VOCAB, bias=False)
        mask = torch.triu(torch.full((CONTEXT, CONTEXT), -1e4), diagonal=1)
        self.register_buffer('mask', mask)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)
        nn.init.normal_(self.pos, std=0.02)

    def forward(self, tokens):
        x = self.tok(tokens) + self.pos[:tokens.shape[1]]
        for block in self.blocks:
            x = block(x, self.mask)
        return self.head(self.ln_f(x))


def train(model, data):
    gen = torch.Generator().manual_seed(SEED + 1)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01, betas=(0.9, 0.95))
    tensor = torch.from_numpy(data.astype(np.int64))
    last = 0.0
    for step in range(STEPS):
        lr = LR * min(1.0, (step + 1) / WARMUP) * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for group in opt.param_groups:
            group['lr'] = lr
        starts = torch.randint(0, len(data) - CONTEXT - 1, (BATCH,), generator=gen)
        batch = torch.stack([tensor[s:s + CONTEXT + 1] for s in starts.tolist()])
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), batch[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        last = 0.9 * last + 0.1 * loss.item() if step else loss.item()
        if step % 50 == 0 or step == STEPS - 1:
            print(f'step {step:4d} loss {loss.item():.4f} (smoothed {last:.4f}) lr {lr:.2e}',
                  flush=True)
    return last


def eval_windows(held_out):
    stride = (len(held_out) - CONTEXT) // EVAL_SEQUENCES
    rows = [held_out[i * stride:i * stride + CONTEXT] for i in range(EVAL_SEQUENCES)]
    return np.stack(rows).astype(np.int64)


def perplexity(model, tokens):
    with torch.no_grad():
        logits = model(torch.from_numpy(tokens)).double()
        logp = torch.log_softmax(logits[:, :-1], dim=-1)
        target = torch.from_numpy(tokens[:, 1:])
        nll = -logp.gather(-1, target.unsqueeze(-1)).mean().item()
    return math.exp(nll)


# ------------------------------------------------------------------------------------------
# ONNX graph, float16 throughout.


class GraphBuilder:
    def __init__(self):
        self.nodes, self.inits = [], []

    def init(self, name, array):
        array = np.asarray(array)
        if array.dtype.kind == 'f':
            array = array.astype(np.float16)
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, name, outputs=None, **attrs):
        outputs = outputs or [name]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **attrs))
        return outputs[0]

    def linear(self, x, lin, name):
        # torch stores [out, in]; MatMul wants [in, out].
        w = self.init(f'{name}.weight', lin.weight.detach().numpy().T.copy())
        y = self.node('MatMul', [x, w], f'{name}/MatMul')
        if lin.bias is None:
            return y
        b = self.init(f'{name}.bias', lin.bias.detach().numpy())
        return self.node('Add', [y, b], f'{name}/Add')

    def layer_norm(self, x, ln, name):
        g = self.init(f'{name}.weight', ln.weight.detach().numpy())
        b = self.init(f'{name}.bias', ln.bias.detach().numpy())
        return self.node('LayerNormalization', [x, g, b], f'{name}/LayerNormalization', axis=-1,
                         epsilon=LN_EPS)


def build_onnx(model):
    g = GraphBuilder()
    dh = HIDDEN // HEADS
    tok = g.init('tok_emb.weight', model.tok.weight.detach().numpy())
    pos = g.init('pos_emb.weight', model.pos.detach().numpy())
    mask = g.init('causal_mask', model.mask.numpy())
    zero = g.init('const_zero', np.array([0], np.int64))
    zeros2 = g.init('const_zeros2', np.array([0, 0], np.int64))
    axes01 = g.init('const_axes01', np.array([0, 1], np.int64))
    split_shape = g.init('const_split_heads', np.array([0, 0, HEADS, dh], np.int64))
    merge_shape = g.init('const_merge_heads', np.array([0, 0, HIDDEN], np.int64))
    inv_sqrt_dh = g.init('const_inv_sqrt_dh', np.array(1.0 / math.sqrt(dh)))
    inv_sqrt2 = g.init('const_inv_sqrt2', np.array(1.0 / math.sqrt(2.0)))
    one = g.init('const_one', np.array(1.0))
    half = g.init('const_half', np.array(0.5))

    seq = g.node('Shape', ['tokens'], 'seq_len/Shape', start=1, end=2)
    emb = g.node('Gather', [tok, 'tokens'], 'tok_emb/Gather', axis=0)
    pos_t = g.node('Slice', [pos, zero, seq, zero], 'pos_emb/Slice')
    x = g.node('Add', [emb, pos_t], 'embed/Add')
    seq2 = g.node('Concat', [seq, seq], 'mask_len/Concat', axis=0)
    mask_t = g.node('Slice', [mask, zeros2, seq2, axes01], 'causal_mask/Slice')

    for i, block in enumerate(model.blocks):
        p = f'blocks.{i}'
        h = g.layer_norm(x, block.ln1, f'{p}.ln1')
        split = {}
        for which, perm in (('q', [0, 2, 1, 3]), ('k', [0, 2, 3, 1]), ('v', [0, 2, 1, 3])):
            y = g.linear(h, getattr(block, which), f'{p}.attn.{which}')
            y = g.node('Reshape', [y, split_shape], f'{p}.attn.{which}/Reshape')
            split[which] = g.node('Transpose', [y], f'{p}.attn.{which}/Transpose', perm=perm)
        s = g.node('MatMul', [split['q'], split['k']], f'{p}.attn/scores/MatMul')
        s = g.node('Mul', [s, inv_sqrt_dh], f'{p}.attn/scores/Mul')
        s = g.node('Add', [s, mask_t], f'{p}.attn/mask/Add')
        a = g.node('Softmax', [s], f'{p}.attn/Softmax', axis=-1)
        a = g.node('MatMul', [a, split['v']], f'{p}.attn/context/MatMul')
        a = g.node('Transpose', [a], f'{p}.attn/context/Transpose', perm=[0, 2, 1, 3])
        a = g.node('Reshape', [a, merge_shape], f'{p}.attn/context/Reshape')
        a = g.linear(a, block.o, f'{p}.attn.o')
        x = g.node('Add', [x, a], f'{p}.attn/residual/Add')

        h = g.layer_norm(x, block.ln2, f'{p}.ln2')
        h = g.linear(h, block.fc1, f'{p}.mlp.fc1')
        e = g.node('Mul', [h, inv_sqrt2], f'{p}.mlp.gelu/Mul_inv_sqrt2')
        e = g.node('Erf', [e], f'{p}.mlp.gelu/Erf')
        e = g.node('Add', [e, one], f'{p}.mlp.gelu/Add_one')
        e = g.node('Mul', [h, e], f'{p}.mlp.gelu/Mul_x')
        h = g.node('Mul', [e, half], f'{p}.mlp.gelu/Mul_half')
        h = g.linear(h, block.fc2, f'{p}.mlp.fc2')
        x = g.node('Add', [x, h], f'{p}.mlp/residual/Add')

    x = g.layer_norm(x, model.ln_f, 'ln_f')
    g.linear(x, model.head, 'lm_head')
    g.nodes[-1].output[0] = 'logits'

    graph = helper.make_graph(
        g.nodes, 'fortunes_byte_lm',
        [helper.make_tensor_value_info('tokens', TensorProto.INT64, ['batch', 'seq'])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT16, ['batch', 'seq', VOCAB])],
        g.inits)
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)],
                                   producer_name='libnncf tests/lm/make_lm.py')
    onnx_model.ir_version = 8
    onnx.checker.check_model(onnx_model, full_check=True)
    return onnx_model


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    train_bytes, held_out = read_corpus()
    print(f'corpus: {len(train_bytes)} training bytes, {len(held_out)} held-out bytes')
    model = Decoder()
    print(f'parameters: {sum(p.numel() for p in model.parameters())}')
    loss = train(model, train_bytes)
    model.eval()

    tokens = eval_windows(held_out)
    ppl_fp32 = perplexity(model, tokens)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    ppl = perplexity(model, tokens)
    ppl_head = perplexity(model, tokens[:TEST_SEQUENCES])
    print(f'held-out perplexity: {ppl_fp32:.4f} (fp32 weights), {ppl:.4f} (fp16-rounded weights)')

    onnx_model = build_onnx(model)
    data = onnx_model.SerializeToString()
    if len(data) > MAX_BYTES:
        sys.exit(f'lm.onnx is {len(data)} bytes, over {MAX_BYTES}')
    with open(os.path.join(OUT_DIR, 'lm.onnx'), 'wb') as f:
        f.write(data)
    np.save(os.path.join(OUT_DIR, 'eval_tokens.npy'), tokens)
    with open(os.path.join(OUT_DIR, 'lm_reference.txt'), 'w') as f:
        f.write('# Written by tests/lm/make_lm.py: torch (fp32 compute, fp16-rounded weights)\n')
        f.write(f'# perplexity per byte on eval_tokens.npy, all {tokens.shape[0]} sequences.\n')
        f.write(f'torch_perplexity {ppl:.6f}\n')
        f.write(f'torch_perplexity_fp32_weights {ppl_fp32:.6f}\n')
        f.write(f'torch_perplexity_first_{TEST_SEQUENCES} {ppl_head:.6f}\n')
        f.write(f'final_training_loss {loss:.6f}\n')
    print(f'wrote lm.onnx ({len(data)} bytes), eval_tokens.npy {tokens.shape}, lm_reference.txt')


if __name__ == '__main__':
    main()
