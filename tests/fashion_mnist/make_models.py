#!/usr/bin/env python3
"""Trains the two Fashion-MNIST CNNs that tests/fashion_mnist/quantize_accuracy_test.cc quantizes.

Generator only (the library never runs Python). Needs Debian's python3-torch, python3-onnx,
python3-numpy and dataset-fashion-mnist. Run with Debian's interpreter, one BLAS thread:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tests/fashion_mnist/make_models.py
Writes resnet_fashion_mnist.onnx and mobilenet_fashion_mnist.onnx next to this script (opset 13,
fp32, input "image" [N,1,28,28] normalized as (pixel / 255 - 0.5) / 0.5, output "logits" [N,10])
and prints each model's float top-1 on the 10 000 test images. Deterministic: fixed seeds, one
thread, no data augmentation.
"""
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn

DATA_DIR = "/usr/share/datasets/fashion-mnist"
HERE = os.path.dirname(os.path.abspath(__file__))


def find(name):
    for root, _, files in os.walk(DATA_DIR):
        for f in files:
            if f.startswith(name):
                return os.path.join(root, f)
    sys.exit(f"{name} not found under {DATA_DIR}: apt-get install dataset-fashion-mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        ndim = magic & 0xFF
        dims = struct.unpack(">" + "I" * ndim, f.read(4 * ndim))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def conv_bn(cin, cout, stride=1, kernel=3, groups=1):
    return [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout)]


class BasicBlock(nn.Module):
    """Conv-BN-ReLU, Conv-BN, residual Add, ReLU; a strided 1x1 Conv-BN shortcut when the shape
    changes."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(cin, cout, stride), nn.ReLU(), *conv_bn(cout, cout))
        self.shortcut = (nn.Sequential(*conv_bn(cin, cout, stride, kernel=1))
                         if stride != 1 or cin != cout else nn.Identity())
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.body(x) + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(*conv_bn(1, 16), nn.ReLU())     # 28x28
        self.layer1 = BasicBlock(16, 24, stride=2)                 # 14x14, conv shortcut
        self.layer2 = BasicBlock(24, 24, stride=1)                 # 14x14, identity shortcut
        self.layer3 = BasicBlock(24, 48, stride=2)                 # 7x7, conv shortcut
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(48, 10)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


class SqueezeExcite(nn.Module):
    def __init__(self, channels, squeezed):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeezed, 1)
        self.relu = nn.ReLU()
        self.fc2 = nn.Conv2d(squeezed, channels, 1)
        self.gate = nn.Hardsigmoid()

    def forward(self, x):
        return x * self.gate(self.fc2(self.relu(self.fc1(self.pool(x)))))


class InvertedResidual(nn.Module):
    """MobileNetV3 bottleneck: 1x1 expand (HardSwish), depthwise 3x3 (HardSwish), optional SE,
    linear 1x1 projection, residual Add when the shape is kept."""

    def __init__(self, cin, expanded, cout, stride, se):
        super().__init__()
        layers = [*conv_bn(cin, expanded, kernel=1), nn.Hardswish(),
                  *conv_bn(expanded, expanded, stride, groups=expanded), nn.Hardswish()]
        if se:
            layers.append(SqueezeExcite(expanded, expanded // 4))
        layers += conv_bn(expanded, cout, kernel=1)
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return x + y if self.residual else y


class MobileNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(*conv_bn(1, 16), nn.Hardswish())                    # 28x28
        # MobileNetV1 depthwise separable block: depthwise 3x3 stride 2, pointwise 1x1.
        self.separable = nn.Sequential(*conv_bn(16, 16, 2, groups=16), nn.Hardswish(),
                                       *conv_bn(16, 32, kernel=1), nn.Hardswish())   # 14x14
        self.block1 = InvertedResidual(32, 64, 48, stride=2, se=True)                # 7x7
        self.block2 = InvertedResidual(48, 96, 48, stride=1, se=False)               # 7x7
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(48, 10)

    def forward(self, x):
        x = self.block2(self.block1(self.separable(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


def accuracy(net, x, y):
    net.eval()
    with torch.no_grad():
        correct = sum((net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
                      for i in range(0, len(x), 1000))
    return correct / len(x)


def train(name, net, data, epochs):
    x, y, xt, yt = data
    torch.manual_seed(0)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    steps = epochs * ((len(x) + 127) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=4e-3, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        start = time.time()
        net.train()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss_fn(net(x[idx]), y[idx]).backward()
            opt.step()
            sched.step()
        print(f"{name} epoch {epoch}: test top-1 {accuracy(net, xt, yt):.4f} "
              f"({time.time() - start:.0f} s)", flush=True)
    net.eval()
    out = os.path.join(HERE, f"{name}_fashion_mnist.onnx")
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), out, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)
    acc = accuracy(net, xt, yt)
    print(f"wrote {out}: {os.path.getsize(out)} bytes, float test top-1 {acc:.4f} "
          f"({int(round(acc * len(xt)))} / {len(xt)})", flush=True)


def main():
    torch.set_num_threads(1)
    x = read_idx(find("train-images")).astype(np.float32) / 255.0
    y = read_idx(find("train-labels")).astype(np.int64)
    xt = read_idx(find("t10k-images")).astype(np.float32) / 255.0
    yt = read_idx(find("t10k-labels")).astype(np.int64)
    x = torch.from_numpy((x - 0.5) / 0.5).unsqueeze(1)
    xt = torch.from_numpy((xt - 0.5) / 0.5).unsqueeze(1)
    data = (x, torch.from_numpy(y), xt, torch.from_numpy(yt))
    which = sys.argv[1:] or ["resnet", "mobilenet"]
    for name in which:
        torch.manual_seed(0)
        np.random.seed(0)
        net = {"resnet": ResNet, "mobilenet": MobileNet}[name]()
        train(name, net, data, epochs=6)


if __name__ == "__main__":
    main()
