#!/usr/bin/env python3
"""Trains the small Fashion-MNIST CNN bundled as examples/models/fashion_mnist_cnn.onnx.

Generator only (the library never runs Python). Needs Debian's python3-torch, python3-onnx,
python3-numpy and dataset-fashion-mnist; run with OPENBLAS_NUM_THREADS=1:
    OPENBLAS_NUM_THREADS=1 python3 examples/models/make_fashion_mnist_cnn.py
Deterministic: fixed seeds, single thread.
"""
import gzip
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

DATA_DIR = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fashion_mnist_cnn.onnx")


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


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * 3 * 3, 128), nn.ReLU(),
                                        nn.Linear(128, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    torch.set_num_threads(1)
    x = read_idx(find("train-images")).astype(np.float32) / 255.0
    y = read_idx(find("train-labels")).astype(np.int64)
    xt = read_idx(find("t10k-images")).astype(np.float32) / 255.0
    yt = read_idx(find("t10k-labels")).astype(np.int64)
    # Inputs are normalized in the model's caller: (pixel / 255 - 0.5) / 0.5.
    x = torch.from_numpy((x - 0.5) / 0.5).unsqueeze(1)
    xt = torch.from_numpy((xt - 0.5) / 0.5).unsqueeze(1)
    y, yt = torch.from_numpy(y), torch.from_numpy(yt)

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(5):
        net.train()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            acc = (net(xt).argmax(1) == yt).float().mean().item()
        print(f"epoch {epoch}: test accuracy {acc:.4f}")

    net.eval()
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), OUT, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)
    print(f"wrote {OUT} (test accuracy {acc:.4f})")


if __name__ == "__main__":
    main()
