#!/usr/bin/env python3
"""Writes the speed-benchmark models into a directory (not committed: ~100 MB and ~350 MB).

  resnet50.onnx  ResNet-50 v1.5 layout (bottleneck blocks 3-4-6-3; the exporter folds each eval-mode
                 BatchNorm into its Conv, as deployed models have it), input [N,3,224,224].
  bert_base.onnx BERT-base-sized encoder: 12 layers, hidden 768, 12 heads, FFN 3072, GELU (erf),
                 LayerNormalization (opset 17), input hidden states [N,128,768].

Random weights with a fixed seed; the batch dimension is symbolic. Run with Debian's torch:
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/make_bench_models.py OUT_DIR [resnet50|bert_base]
"""
import math
import os
import sys

import torch
from torch import nn


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_channels, width, stride):
        super().__init__()
        out_channels = width * self.expansion
        self.conv1 = nn.Conv2d(in_channels, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out_channels, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + identity)


class ResNet50(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(3, stride=2, padding=1))
        blocks = []
        in_channels = 64
        for width, count, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
            for i in range(count):
                blocks.append(Bottleneck(in_channels, width, stride if i == 0 else 1))
                in_channels = width * Bottleneck.expansion
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(in_channels, num_classes)

    def forward(self, x):
        y = self.pool(self.blocks(self.stem(x)))
        return self.fc(torch.flatten(y, 1))


class EncoderLayer(nn.Module):
    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attn_out = nn.Linear(hidden, hidden)
        self.norm1 = nn.LayerNorm(hidden, eps=1e-12)
        self.ffn_in = nn.Linear(hidden, ffn)
        self.ffn_out = nn.Linear(ffn, hidden)
        self.norm2 = nn.LayerNorm(hidden, eps=1e-12)
        self.gelu = nn.GELU()

    def split(self, x):
        n, s, _ = x.shape
        return x.reshape(n, s, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x):
        n, s, h = x.shape
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        context = torch.matmul(torch.softmax(scores, dim=-1), v)
        context = context.transpose(1, 2).reshape(n, s, h)
        x = self.norm1(x + self.attn_out(context))
        return self.norm2(x + self.ffn_out(self.gelu(self.ffn_in(x))))


class BertBaseEncoder(nn.Module):
    def __init__(self, layers=12, hidden=768, heads=12, ffn=3072):
        super().__init__()
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, ffn) for _ in range(layers))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def randomize_batch_norms(model):
    # Non-trivial running statistics so BatchNormalization is not an identity.
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            with torch.no_grad():
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.1, 0.1)


def export(model, example, path, input_name, output_name):
    model.eval()
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(model, example, tmp, opset_version=17, input_names=[input_name],
                          output_names=[output_name], do_constant_folding=True,
                          dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}})
    os.replace(tmp, path)
    print("wrote", path, os.path.getsize(path) // (1 << 20), "MiB")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    wanted = sys.argv[2:] or ["resnet50", "bert_base"]
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    if "resnet50" in wanted:
        model = ResNet50()
        randomize_batch_norms(model)
        export(model, torch.randn(1, 3, 224, 224), os.path.join(out_dir, "resnet50.onnx"),
               "input", "logits")
    if "bert_base" in wanted:
        export(BertBaseEncoder(), torch.randn(1, 128, 768), os.path.join(out_dir, "bert_base.onnx"),
               "hidden", "encoded")


if __name__ == "__main__":
    main()
