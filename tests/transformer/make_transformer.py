#!/usr/bin/env python3
"""Trains the tiny ViT-style Fashion-MNIST classifier tests/transformer/vit_fashion_mnist.onnx.

Generator only (the library never runs Python). Needs Debian's python3-torch, python3-onnx,
python3-numpy and dataset-fashion-mnist; run with Debian's interpreter and one BLAS thread:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tests/transformer/make_transformer.py
Deterministic: fixed seeds, single thread.

The model: 28x28 image -> 16 tokens of 7x7 pixels (Reshape/Transpose, so the patch embedding is a
MatMul, not a Conv) -> linear embedding + learned positions -> 2 pre-norm encoder blocks
(LayerNorm, 4-head self-attention written out as MatMul/Softmax/MatMul with separate q/k/v
projections that share their input, LayerNorm, GELU MLP) -> LayerNorm -> mean over tokens ->
linear head. Also writes, beside the model, raw uint8 pixels that callers normalize as
(pixel / 255 - 0.5) / 0.5 in float32: calibration_images.npy (the first N_CALIB training images,
[N,28,28]), test_images.npy (the first N_TEST test images, [N,28,28]) and test_labels.npy (int64).
"""
import gzip
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

DATA_DIR = "/usr/share/datasets/fashion-mnist"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "vit_fashion_mnist.onnx")
N_TEST = 500
N_CALIB = 300

PATCH = 7
TOKENS = (28 // PATCH) ** 2
DIM = 64
HEADS = 4
MLP = 128
BLOCKS = 2


def find(name):
    for root, _, files in os.walk(DATA_DIR):
        for f in files:
            if f.startswith(name):
                return os.path.join(root, f)
    sys.exit(f"{name} not found under {DATA_DIR}: apt-get install dataset-fashion-mnist")


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        ndim = magic & 0xFF
        dims = struct.unpack(">" + "I" * ndim, f.read(4 * ndim))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(DIM, DIM)
        self.k = nn.Linear(DIM, DIM)
        self.v = nn.Linear(DIM, DIM)
        self.proj = nn.Linear(DIM, DIM)
        self.head_dim = DIM // HEADS

    def split_heads(self, t):
        # [B, T, D] -> [B, H, T, D/H]; constant shapes keep the exported graph free of Shape ops.
        return t.reshape(-1, TOKENS, HEADS, self.head_dim).transpose(1, 2)

    def forward(self, x):
        q, k, v = self.split_heads(self.q(x)), self.split_heads(self.k(x)), self.split_heads(self.v(x))
        scores = torch.matmul(q, k.transpose(2, 3)) * (self.head_dim ** -0.5)
        probs = torch.softmax(scores, dim=-1)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(-1, TOKENS, DIM)
        return self.proj(out)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(DIM)
        self.attn = Attention()
        self.norm2 = nn.LayerNorm(DIM)
        self.fc1 = nn.Linear(DIM, MLP)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(MLP, DIM)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


class ViT(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(PATCH * PATCH, DIM)
        self.pos = nn.Parameter(torch.zeros(1, TOKENS, DIM))
        nn.init.normal_(self.pos, std=0.02)
        self.blocks = nn.Sequential(*[Block() for _ in range(BLOCKS)])
        self.norm = nn.LayerNorm(DIM)
        self.head = nn.Linear(DIM, 10)

    def forward(self, image):
        side = 28 // PATCH
        # [B,1,28,28] -> [B, 4, 7, 4, 7] -> [B, 4, 4, 7, 7] -> [B, 16, 49]: row-major patches.
        p = image.reshape(-1, side, PATCH, side, PATCH).transpose(2, 3)
        tokens = self.embed(p.reshape(-1, TOKENS, PATCH * PATCH)) + self.pos
        return self.head(self.norm(self.blocks(tokens)).mean(dim=1))


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    torch.set_num_threads(1)
    train_pixels = read_idx(find("train-images"))
    test_pixels = read_idx(find("t10k-images"))
    x = train_pixels.astype(np.float32) / 255.0
    y = read_idx(find("train-labels")).astype(np.int64)
    xt = test_pixels.astype(np.float32) / 255.0
    yt = read_idx(find("t10k-labels")).astype(np.int64)
    # Inputs are normalized by the caller: (pixel / 255 - 0.5) / 0.5, as for the example CNN.
    x = torch.from_numpy((x - 0.5) / 0.5).unsqueeze(1)
    xt = torch.from_numpy((xt - 0.5) / 0.5).unsqueeze(1)
    y, yt = torch.from_numpy(y), torch.from_numpy(yt)

    net = ViT()
    epochs = int(os.environ.get("EPOCHS", "15"))
    steps = epochs * ((len(x) + 127) // 128)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        net.train()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
            sched.step()
        net.eval()
        with torch.no_grad():
            acc = (net(xt).argmax(1) == yt).float().mean().item()
        print(f"epoch {epoch}: test accuracy {acc:.4f}", flush=True)

    net.eval()
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), OUT, opset_version=17,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)
    with torch.no_grad():
        sub_acc = (net(xt[:N_TEST]).argmax(1) == yt[:N_TEST]).float().mean().item()
    np.save(os.path.join(HERE, "calibration_images.npy"), np.ascontiguousarray(train_pixels[:N_CALIB]))
    np.save(os.path.join(HERE, "test_images.npy"), np.ascontiguousarray(test_pixels[:N_TEST]))
    np.save(os.path.join(HERE, "test_labels.npy"), yt[:N_TEST].numpy().astype(np.int64))
    print(f"wrote {OUT}: test accuracy {acc:.4f} (10000 images), {sub_acc:.4f} (first {N_TEST})")


if __name__ == "__main__":
    main()
