#!/usr/bin/env python3
"""Generates the ONNX Runtime cross-check zoo (tests/ort/zoo/*.onnx).

Small models with fixed seeds: float models exported from torch, and quantized forms built from
them with the onnx helper API (QDQ, com.microsoft MatMulNBits, opset-21 blocked int4 weights).
Every model has a dynamic batch dim. Regenerate with (from the repository root):

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tests/ort/zoo/make_zoo.py

Needs torch 1.13, onnx 1.12 and numpy. The outputs are byte-for-byte reproducible.
"""
import io
import os
import sys
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
MAX_BYTES = 2 * 1024 * 1024
INT4 = 22  # TensorProto.INT4, unknown to onnx 1.12


# ------------------------------------------------------------------------------------------
# Float models.

class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                      nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        skip = x if self.down is None else self.down(x)
        return F.relu(y + skip)


class ResNetStyle(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16),
                                  nn.ReLU())
        self.layers = nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 32, 2),
                                    BasicBlock(32, 32, 1))
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        y = self.layers(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(y, 1), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, expand, stride):
        super().__init__()
        mid = cin * expand
        self.use_skip = stride == 1 and cin == cout
        self.body = nn.Sequential(
            nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.Hardswish(),
            nn.Conv2d(mid, mid, 3, stride, 1, groups=mid, bias=False), nn.BatchNorm2d(mid),
            nn.Hardswish(),
            nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.body(x)
        return x + y if self.use_skip else y


class MobileNetStyle(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16),
                                  nn.Hardswish())
        self.blocks = nn.Sequential(InvertedResidual(16, 16, 2, 1), InvertedResidual(16, 24, 3, 2),
                                    InvertedResidual(24, 24, 3, 1))
        self.head = nn.Sequential(nn.Conv2d(24, 64, 1), nn.Hardswish())
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        y = self.head(self.blocks(self.stem(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(y, 1), 1))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc3(torch.sigmoid(self.fc2(F.relu(self.fc1(x)))))


class EncoderBlock(nn.Module):
    """Pre-norm transformer encoder block: LayerNorm, multi-head self-attention, GELU MLP."""

    def __init__(self, dim=64, heads=4, hidden=128):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        b, s, d = x.shape
        h = self.heads
        qkv = self.qkv(self.norm1(x)).reshape(b, s, 3, h, d // h).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * (d // h) ** -0.5, dim=-1)
        y = torch.matmul(attn, v).transpose(1, 2).reshape(b, s, d)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class AudioCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, 16, 9, 2, 4), nn.BatchNorm1d(16), nn.ReLU(), nn.MaxPool1d(4),
            nn.Conv1d(16, 32, 5, 1, 2), nn.ReLU(), nn.AvgPool1d(2),
            nn.Conv1d(32, 32, 3, 1, 1), nn.BatchNorm1d(32), nn.ReLU())
        self.fc = nn.Linear(32, 8)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool1d(self.features(x), 1), 1))


def randomize_batchnorm(model):
    """Non-trivial BN statistics, so BatchNormalization is not close to the identity."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c) * 0.2)
            m.running_var.copy_(torch.rand(c) * 1.5 + 0.5)
            m.weight.data.copy_(torch.rand(c) * 0.8 + 0.6)
            m.bias.data.copy_(torch.randn(c) * 0.2)


def export(model, shape, opset, keep_batchnorm):
    model.eval()
    x = torch.rand(shape) * 2 - 1
    f = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            model, (x,), f, opset_version=opset, input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            do_constant_folding=True,
            training=(torch.onnx.TrainingMode.PRESERVE if keep_batchnorm
                      else torch.onnx.TrainingMode.EVAL))
    m = onnx.load_from_string(f.getvalue())
    m.producer_name = "libnncf make_zoo.py"
    m.producer_version = ""
    return m


def save(model, name):
    path = os.path.join(OUT_DIR, name + ".onnx")
    data = model.SerializeToString()
    assert len(data) < MAX_BYTES, f"{name}: {len(data)} bytes"
    with open(path, "wb") as f:
        f.write(data)
    ops = sorted({(n.domain + "::" if n.domain else "") + n.op_type for n in model.graph.node})
    print(f"{name}.onnx: {len(data)} bytes, {len(model.graph.node)} nodes: {' '.join(ops)}")


# ------------------------------------------------------------------------------------------
# Graph surgery helpers.

def initializers(model):
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def constant_value(model, name):
    inits = initializers(model)
    if name in inits:
        return inits[name]
    for n in model.graph.node:
        if n.op_type == "Constant" and n.output[0] == name:
            return numpy_helper.to_array(n.attribute[0].t)
    return None


def fuse_gelu(model):
    """Replaces torch's erf-form GELU (Div, Erf, Add, Mul, Mul) with one Gelu node (opset 20)."""
    consumers = {}
    for n in model.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    producer = {o: n for n in model.graph.node for o in n.output}
    remove, added = [], []
    for erf in [n for n in model.graph.node if n.op_type == "Erf"]:
        div = producer[erf.input[0]]
        x = div.input[0]
        add = consumers[erf.output[0]][0]
        mul1 = consumers[add.output[0]][0]
        mul2 = consumers[mul1.output[0]][0]
        assert (div.op_type, add.op_type, mul1.op_type, mul2.op_type) == (
            "Div", "Add", "Mul", "Mul"), "unexpected GELU pattern"
        assert x in mul1.input
        remove += [div, erf, add, mul1, mul2]
        added.append((mul2, helper.make_node("Gelu", [x], [mul2.output[0]],
                                             name=erf.name.replace("Erf", "Gelu"))))
    nodes = []
    for n in model.graph.node:
        for anchor, gelu in added:
            if n is anchor:
                nodes.append(gelu)
        if not any(n is r for r in remove):
            nodes.append(n)
    # Constants only the removed nodes used.
    used = {i for n in nodes for i in n.input}
    nodes = [n for n in nodes if n.op_type != "Constant" or n.output[0] in used]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    inits = [t for t in model.graph.initializer if t.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(inits)
    assert len(added) > 0
    return model


def set_opset(model, opset, ir_version, extra=()):
    del model.opset_import[:]
    model.opset_import.extend([helper.make_opsetid("", opset)] +
                              [helper.make_opsetid(d, v) for d, v in extra])
    model.ir_version = ir_version
    return model


# A tiny evaluator for the folded float graphs (Conv, Relu, Add, GlobalAveragePool, Flatten,
# Gemm, Sigmoid), used for min/max calibration of every activation.
def evaluate_all(model, x):
    values = {k: torch.from_numpy(v) for k, v in initializers(model).items()}
    values[model.graph.input[0].name] = torch.from_numpy(x)
    for n in model.graph.node:
        a = {at.name: helper.get_attribute_value(at) for at in n.attribute}
        i = [values[v] for v in n.input if v]
        if n.op_type == "Conv":
            pads = a.get("pads", [0, 0, 0, 0])
            assert pads[:2] == pads[2:]
            y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, a.get("strides", 1),
                         pads[:2], a.get("dilations", 1), a.get("group", 1))
        elif n.op_type == "Relu":
            y = F.relu(i[0])
        elif n.op_type == "Sigmoid":
            y = torch.sigmoid(i[0])
        elif n.op_type == "Add":
            y = i[0] + i[1]
        elif n.op_type == "GlobalAveragePool":
            y = i[0].mean(dim=(2, 3), keepdim=True)
        elif n.op_type == "Flatten":
            y = torch.flatten(i[0], a.get("axis", 1))
        elif n.op_type == "Gemm":
            assert a.get("transB", 0) == 1 and a.get("transA", 0) == 0
            y = i[0] @ i[1].T * a.get("alpha", 1.0) + i[2] * a.get("beta", 1.0)
        else:
            raise ValueError(f"calibration evaluator: no {n.op_type}")
        values[n.output[0]] = y
    return {k: v.numpy() for k, v in values.items()}


def int8_activation_params(lo, hi):
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = np.float32(max(hi - lo, 1e-6) / 255.0)
    zp = int(np.clip(np.round(-128 - lo / scale), -128, 127))
    return scale, np.int8(zp)


def make_qdq(model, calibration):
    """QDQ form: int8 per-tensor activations (asymmetric, min/max), int8 per-channel symmetric
    weights and int32 biases as DequantizeLinear initializers."""
    values = evaluate_all(model, calibration)
    inits = initializers(model)
    g = model.graph
    new_inits, nodes = [], []
    act_scale = {}

    def qdq_activation(name):
        scale, zp = int8_activation_params(values[name].min(), values[name].max())
        act_scale[name] = act_scale[name + "_dq"] = scale
        s, z = name + "_scale", name + "_zp"
        new_inits.append(numpy_helper.from_array(np.array(scale, np.float32), s))
        new_inits.append(numpy_helper.from_array(np.array(zp, np.int8), z))
        nodes.append(helper.make_node("QuantizeLinear", [name, s, z], [name + "_q"],
                                      name=name + "_QuantizeLinear"))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_q", s, z], [name + "_dq"],
                                      name=name + "_DequantizeLinear"))
        return name + "_dq"

    def dq_weight(name, axis):
        w = inits[name]
        reduce_axes = tuple(d for d in range(w.ndim) if d != axis)
        scale = (np.abs(w).max(axis=reduce_axes) / 127.0).astype(np.float32)
        scale = np.maximum(scale, np.float32(1e-8))
        shape = [1] * w.ndim
        shape[axis] = -1
        q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        new_inits.append(numpy_helper.from_array(q, name + "_q"))
        new_inits.append(numpy_helper.from_array(scale, name + "_scale"))
        new_inits.append(numpy_helper.from_array(np.zeros_like(scale, np.int8), name + "_zp"))
        nodes.append(helper.make_node("DequantizeLinear",
                                      [name + "_q", name + "_scale", name + "_zp"],
                                      [name + "_dq"], name=name + "_DequantizeLinear", axis=axis))
        return name + "_dq", scale

    def dq_bias(name, in_scale, w_scale):
        scale = (np.float32(in_scale) * w_scale).astype(np.float32)
        q = np.round(inits[name] / scale).astype(np.int32)
        new_inits.append(numpy_helper.from_array(q, name + "_q"))
        new_inits.append(numpy_helper.from_array(scale, name + "_scale"))
        new_inits.append(numpy_helper.from_array(np.zeros_like(q), name + "_zp"))
        nodes.append(helper.make_node("DequantizeLinear",
                                      [name + "_q", name + "_scale", name + "_zp"],
                                      [name + "_dq"], name=name + "_DequantizeLinear", axis=0))
        return name + "_dq"

    rename = {g.input[0].name: qdq_activation(g.input[0].name)}
    for n in g.node:
        inputs = list(n.input)
        if n.op_type in ("Conv", "Gemm"):
            x = rename[inputs[0]]
            inputs[0] = x
            inputs[1], w_scale = dq_weight(inputs[1], 0)
            if len(inputs) > 2 and inputs[2]:
                inputs[2] = dq_bias(inputs[2], act_scale[x], w_scale)
        else:
            inputs = [rename.get(v, v) for v in inputs]
        out = n.output[0]
        nodes.append(helper.make_node(n.op_type, inputs, [out], name=n.name,
                                      **{a.name: helper.get_attribute_value(a)
                                         for a in n.attribute}))
        if n.op_type == "Flatten":
            rename[out] = out  # a reshape of a quantized value stays on its grid
            act_scale[out] = act_scale[inputs[0]]
            continue
        final = out in [o.name for o in g.output]
        dq = qdq_activation(out)
        if final:
            # The graph output keeps its name: it is the dequantized value.
            last_q, last_dq = nodes[-2], nodes[-1]
            inner = out + "_float"
            nodes[-3].output[0] = inner
            last_q.input[0] = inner
            last_dq.output[0] = out
        else:
            rename[out] = dq
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    del g.value_info[:]
    return model, act_scale[g.output[0].name]


def hand_mlp(name, opset, layers, extra_opsets=()):
    """MLP graph from (weight [in, out], bias, activation) with a layer-building callback."""
    nodes, inits = [], []
    x = "input"
    for idx, (w, b, act, build) in enumerate(layers):
        y = build(idx, x, w, nodes, inits)
        bias = f"fc{idx + 1}.bias"
        inits.append(numpy_helper.from_array(b.astype(np.float32), bias))
        out = "output" if act is None else f"fc{idx + 1}_out"
        nodes.append(helper.make_node("Add", [y, bias], [out], name=f"fc{idx + 1}_Add"))
        if act is not None:
            x = f"act{idx + 1}"
            nodes.append(helper.make_node(act, [out], [x], name=f"act{idx + 1}_{act}"))
    k = layers[0][0].shape[0]
    n = layers[-1][0].shape[1]
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", k])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", n])], inits)
    model = helper.make_model(graph, producer_name="libnncf make_zoo.py")
    return set_opset(model, opset, 8 if opset <= 17 else 10, extra_opsets)


def matmulnbits_layer(idx, x, w, nodes, inits, block=32, bits=4):
    """B packed as ORT's MatMulNBits wants: [N, n_blocks, block*bits/8] uint8, low nibble first,
    asymmetric uint4 codes; scales [N * n_blocks]; zero points packed [N, ceil(n_blocks / 2)]."""
    k, n = w.shape
    blocks = (k + block - 1) // block
    wt = np.zeros((n, blocks * block), np.float32)
    wt[:, :k] = w.T
    wb = wt.reshape(n, blocks, block)
    lo = np.minimum(wb.min(axis=2), 0.0)
    hi = np.maximum(wb.max(axis=2), 0.0)
    scale = np.maximum((hi - lo) / 15.0, 1e-8).astype(np.float32)
    zp = np.clip(np.round(-lo / scale), 0, 15).astype(np.uint8)
    codes = np.clip(np.round(wb / scale[..., None]) + zp[..., None], 0, 15).astype(np.uint8)
    packed = (codes[..., 0::2] | (codes[..., 1::2] << 4)).astype(np.uint8)
    zp_pad = np.zeros((n, (blocks + 1) // 2 * 2), np.uint8)
    zp_pad[:, :blocks] = zp
    zp_packed = (zp_pad[:, 0::2] | (zp_pad[:, 1::2] << 4)).astype(np.uint8)
    name = f"fc{idx + 1}"
    inits += [numpy_helper.from_array(packed, name + ".weight_q4"),
              numpy_helper.from_array(scale.reshape(-1), name + ".weight_scales"),
              numpy_helper.from_array(zp_packed.reshape(-1), name + ".weight_zero_points")]
    y = name + "_matmul"
    nodes.append(helper.make_node(
        "MatMulNBits", [x, name + ".weight_q4", name + ".weight_scales",
                        name + ".weight_zero_points"], [y], name=name + "_MatMulNBits",
        domain="com.microsoft", K=k, N=n, bits=bits, block_size=block))
    return y


def int4_tensor(values, name):
    """An INT4 TensorProto (raw_data packed two per byte, low nibble first)."""
    flat = (values.astype(np.int8).reshape(-1) & 0x0F).astype(np.uint8)
    if flat.size % 2:
        flat = np.append(flat, np.uint8(0))
    t = TensorProto()
    t.name = name
    t.data_type = INT4
    t.dims.extend(values.shape)
    t.raw_data = (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8).tobytes()
    return t


def blocked_int4_layer(idx, x, w, nodes, inits, block=32):
    """Opset-21 DequantizeLinear of int4 weights [K, N], blocks of 32 along K (axis 0), with
    int4 zero points; then MatMul."""
    k, n = w.shape
    assert k % block == 0
    wb = w.reshape(k // block, block, n)
    lo = np.minimum(wb.min(axis=1), 0.0)
    hi = np.maximum(wb.max(axis=1), 0.0)
    scale = np.maximum((hi - lo) / 15.0, 1e-8).astype(np.float32)  # [K/32, N]
    zp = np.clip(np.round(-8 - lo / scale), -8, 7).astype(np.int8)
    codes = np.clip(np.round(wb / scale[:, None, :]) + zp[:, None, :], -8, 7).astype(np.int8)
    name = f"fc{idx + 1}"
    inits += [int4_tensor(codes.reshape(k, n), name + ".weight_q"),
              numpy_helper.from_array(scale, name + ".weight_scale"),
              int4_tensor(zp, name + ".weight_zp")]
    wdq = name + ".weight_dq"
    nodes.append(helper.make_node(
        "DequantizeLinear", [name + ".weight_q", name + ".weight_scale", name + ".weight_zp"],
        [wdq], name=name + "_DequantizeLinear", axis=0, block_size=block))
    y = name + "_matmul"
    nodes.append(helper.make_node("MatMul", [x, wdq], [y], name=name + "_MatMul"))
    return y


def main():
    for f in os.listdir(OUT_DIR):
        if f.endswith(".onnx"):
            os.remove(os.path.join(OUT_DIR, f))
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", category=UserWarning)

    torch.manual_seed(1)
    resnet = ResNetStyle()
    randomize_batchnorm(resnet)
    save(export(resnet, (1, 3, 32, 32), 17, keep_batchnorm=True), "resnet_cnn")
    folded = export(resnet, (1, 3, 32, 32), 17, keep_batchnorm=False)
    rng = np.random.default_rng(11)
    calib = rng.uniform(-1, 1, (8, 3, 32, 32)).astype(np.float32)
    qdq, out_scale = make_qdq(folded, calib)
    save(qdq, "resnet_cnn_qdq")
    print(f"  output scale {out_scale:.6g}")

    torch.manual_seed(2)
    mobilenet = MobileNetStyle()
    randomize_batchnorm(mobilenet)
    save(export(mobilenet, (1, 3, 32, 32), 17, keep_batchnorm=True), "mobilenet_cnn")

    torch.manual_seed(3)
    mlp = MLP()
    save(export(mlp, (1, 64), 17, keep_batchnorm=False), "mlp")
    calib = rng.uniform(-1, 1, (64, 64)).astype(np.float32)
    qdq, out_scale = make_qdq(export(mlp, (1, 64), 17, keep_batchnorm=False), calib)
    save(qdq, "mlp_qdq")
    print(f"  output scale {out_scale:.6g}")
    layers = [(mlp.fc1.weight.detach().numpy().T, mlp.fc1.bias.detach().numpy(), "Relu"),
              (mlp.fc2.weight.detach().numpy().T, mlp.fc2.bias.detach().numpy(), "Sigmoid"),
              (mlp.fc3.weight.detach().numpy().T, mlp.fc3.bias.detach().numpy(), None)]
    save(hand_mlp("mlp_matmulnbits", 17, [l + (matmulnbits_layer,) for l in layers],
                  [("com.microsoft", 1)]), "mlp_matmulnbits")
    save(hand_mlp("mlp_int4_blocked", 21, [l + (blocked_int4_layer,) for l in layers]),
         "mlp_int4_blocked")

    torch.manual_seed(4)
    encoder = EncoderBlock()
    save(export(encoder, (1, 16, 64), 17, keep_batchnorm=False), "transformer_block")
    gelu20 = set_opset(fuse_gelu(export(encoder, (1, 16, 64), 17, keep_batchnorm=False)), 20, 9)
    save(gelu20, "transformer_block_gelu20")

    torch.manual_seed(5)
    audio = AudioCNN()
    randomize_batchnorm(audio)
    save(export(audio, (1, 1, 1600), 17, keep_batchnorm=True), "audio_cnn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
