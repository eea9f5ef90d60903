#!/usr/bin/env python3
"""Independent numpy reference for libnncf's data-aware weight compression algorithms.

Written from weight_compression.md sections 4.2 (AWQ's data-aware scale search), 4.3 (scale
estimation) and 4.4 (GPTQ) and the choices recorded in docs/weight_compression.md, not from the
C++ code. Weights are [out, in] float32 (input channels last), activations are the sampled
per-item means X [in, samples] with s = max |X| per channel, the Hessian is float64 [in, in].

Usage:
  data_aware_reference.py awq W.npy S.npy X.npy MODE GROUP PERCENT OUT.npy
  data_aware_reference.py se W.npy S.npy X.npy MODE GROUP OUT_PREFIX
  data_aware_reference.py gptq W.npy H.npy MODE GROUP BLOCK DAMP OUT_PREFIX
MODE is int4_sym, int4_asym or nf4; GROUP -1 means the whole row.
awq writes the scale [in]; se writes OUT_PREFIX.scales.npy [out, groups] (and .zero_points.npy
for int4_asym); gptq writes OUT_PREFIX.dequantized.npy [out, in] and .scales.npy.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import NF4_CENTERS, NF4_LEVELS, quantize  # noqa: E402

F32 = np.float32
EPS = np.finfo(np.float32).eps


def rtn_params(rows, mode):
    """Per-row scale (and zero point) of a [rows, n] block, NNCF's formulas."""
    _, scales, zero_points = quantize(rows, mode, 1, -1)
    return scales[:, 0], (zero_points[:, 0] if zero_points is not None else None)


def levels(w, mode, scale, zp):
    """The value each weight's code stands for before the scale (code - zp, signed code, NF4)."""
    scale = scale[:, None]
    if mode == "int4_asym":
        z = zp.astype(F32)[:, None]
        return np.clip(np.round(w / scale + z), F32(0), F32(15)) - z
    if mode == "int4_sym":
        return np.clip(np.round(w / scale), F32(-8), F32(7))
    if mode == "nf4":
        return NF4_LEVELS[np.searchsorted(NF4_CENTERS, w / scale, side="left")]
    raise ValueError(mode)


def fake_quantize(w, mode, scale, zp):
    return (levels(w, mode, scale, zp) * scale[:, None]).astype(F32)


def awq(w, s, x, mode, group, percent, steps=100, alpha_min=0.0, alpha_max=1.0):
    out, hidden = w.shape
    group = hidden if group == -1 else group
    top_k = max(int(hidden * percent), 1)
    chosen = np.argsort(-s, kind="stable")[:top_k]
    scale = np.ones(hidden, dtype=F32)
    alpha_step = (alpha_max - alpha_min) / steps
    for g in sorted(set(int(c) // group for c in chosen)):
        cols = slice(g * group, (g + 1) * group)
        gs = s[cols]
        low = F32(np.quantile(gs.astype(np.float64), 0.1))
        gs = np.clip(gs, low, F32(100))
        gw, gx = w[:, cols], x[cols, :]
        fp = gw @ gx
        best, best_scale = np.max(np.abs(fp)), None
        for k in range(steps):
            cur = (gs ** F32(alpha_min + k * alpha_step)).astype(F32)
            scaled = gw * cur
            sc, zp = rtn_params(scaled, mode)
            q = fake_quantize(scaled, mode, sc, zp)
            diff = np.mean(np.abs(q @ (gx / cur[:, None]) - fp), dtype=np.float64)
            if diff < best:
                best, best_scale = diff, cur
        if best_scale is not None:
            scale[cols] = best_scale
    return scale


def scale_estimation(w, s, x, mode, group, initial_steps=5, scale_steps=5):
    out, hidden = w.shape
    group = hidden if group == -1 else group
    groups = hidden // group
    scales = np.zeros((out, groups), dtype=F32)
    zps = np.zeros((out, groups), dtype=np.uint8)
    for g in range(groups):
        cols = slice(g * group, (g + 1) * group)
        gw, gx = w[:, cols], x[cols, :]
        s0, zp = rtn_params(gw, mode)
        fp = gw @ gx

        def loss(scale):
            d = fp - fake_quantize(gw, mode, scale, zp) @ gx
            return np.mean(d.astype(np.float64) ** 2, axis=1)

        lv = levels(gw, mode, s0, zp)
        importance = np.where(lv == 0, F32(0), s[cols][None, :]).astype(F32)
        importance = importance / (np.sum(importance, axis=1, keepdims=True) + EPS)
        sign = np.where(s0 < 0, F32(-1), F32(1))

        def near_ideal(lv):
            zero = np.where(lv == 0, F32(0.001), F32(0))
            return np.sum(np.abs(gw) / (np.abs(lv) + zero) * importance, axis=1).astype(F32) * sign

        best, result = loss(s0), s0.copy()

        def consider(candidate):
            nonlocal best, result
            ok = np.isfinite(candidate) & (candidate != 0)
            safe = np.where(ok, candidate, F32(1))
            l = loss(safe)
            take = ok & ~(l > best)
            best = np.where(take, l, best)
            result = np.where(take, candidate, result).astype(F32)

        for step in range(initial_steps):
            consider(near_ideal(lv))
            if step < initial_steps - 1:
                lv = levels(gw, mode, result, zp)
        for step in range(scale_steps):
            shrunk = (F32(1.0 - 0.05 * step) * s0).astype(F32)
            consider(near_ideal(levels(gw, mode, shrunk, zp)))
        scales[:, g] = result
        if zp is not None:
            zps[:, g] = zp
    return scales, (zps if mode == "int4_asym" else None)


def gptq(w, h, mode, group, block, damp_percent):
    out, n = w.shape
    group = n if group == -1 else group
    h = h.astype(np.float64).copy()
    wd = w.astype(np.float64).copy()
    dead = np.diag(h) == 0
    h[dead, dead] = 1
    wd[:, dead] = 0
    h[np.arange(n), np.arange(n)] += damp_percent * np.mean(np.diag(h))
    u = np.linalg.cholesky(np.linalg.inv(h)).T  # upper, u.T @ u = inverse(h)
    groups = n // group
    scales = np.zeros((out, groups), dtype=F32)
    zps = np.zeros((out, groups), dtype=np.uint8)
    q = np.zeros((out, n), dtype=F32)
    for i1 in range(0, n, block):
        i2 = min(i1 + block, n)
        err = np.zeros((out, i2 - i1))
        for c in range(i1, i2):
            g = c // group
            if c % group == 0:
                sc, zp = rtn_params(wd[:, c:c + group].astype(F32), mode)
                scales[:, g] = sc
                if zp is not None:
                    zps[:, g] = zp
            value = wd[:, c].astype(F32)[:, None]
            zp = zps[:, g] if mode == "int4_asym" else None
            q[:, c] = fake_quantize(value, mode, scales[:, g], zp)[:, 0]
            err[:, c - i1] = (value[:, 0].astype(np.float64) - q[:, c]) / u[c, c]
            wd[:, c + 1:i2] -= np.outer(err[:, c - i1], u[c, c + 1:i2])
        wd[:, i2:] -= err @ u[i1:i2, i2:]
    return q, scales


def main(argv):
    with np.errstate(all="ignore"):
        if len(argv) == 9 and argv[1] == "awq":
            w, s, x = (np.load(p).astype(F32) for p in argv[2:5])
            np.save(argv[8], awq(w, s, x, argv[5], int(argv[6]), float(argv[7])))
            return 0
        if len(argv) == 8 and argv[1] == "se":
            w, s, x = (np.load(p).astype(F32) for p in argv[2:5])
            scales, zps = scale_estimation(w, s, x, argv[5], int(argv[6]))
            np.save(argv[7] + ".scales.npy", scales)
            if zps is not None:
                np.save(argv[7] + ".zero_points.npy", zps)
            return 0
        if len(argv) == 9 and argv[1] == "gptq":
            w = np.load(argv[2]).astype(F32)
            h = np.load(argv[3]).astype(np.float64)
            q, scales = gptq(w, h, argv[4], int(argv[5]), int(argv[6]), float(argv[7]))
            np.save(argv[8] + ".dequantized.npy", q)
            np.save(argv[8] + ".scales.npy", scales)
            return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
