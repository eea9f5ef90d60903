#!/usr/bin/env python3
"""Independent numpy reference for libnncf's weight quantization.

Written from the formulas in weight_compression.md section 2 (NNCF's weight_lowering.py) and the
choices recorded in docs/weight_compression.md ("Formulas"), not from the C++ code: the weight is
reshaped to [..., C/gs, gs, ...] and reduced over the gs axis with numpy, in float32.

Usage:
  reference.py WEIGHT.npy MODE AXIS GROUP OUT_PREFIX
  reference.py --batch MANIFEST     (one "WEIGHT.npy MODE AXIS GROUP OUT_PREFIX" per line)
MODE is int8_sym, int8_asym, int4_sym, int4_asym, nf4 or e2m1; GROUP -1 means per channel.
Writes OUT_PREFIX.codes.npy (int8 for symmetric modes, else uint8; NF4 indices; E2M1 4-bit codes),
OUT_PREFIX.scales.npy (float32) and, for asymmetric modes, OUT_PREFIX.zero_points.npy (uint8).
Scales have the weight's shape with the reduction axis replaced by the number of groups.
"""
import sys

import numpy as np

F32 = np.float32
EPS = np.finfo(np.float32).eps

NF4_LEVELS = np.array(
    [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
     -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
     0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
     0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0], dtype=F32)
NF4_CENTERS = np.array(
    [-0.84809643, -0.6106329, -0.45999527, -0.33967942, -0.2346074, -0.13791174, -0.045525018,
     0.03979015, 0.120255254, 0.20352125, 0.29201376, 0.38931254, 0.5016634, 0.6427869,
     0.8614784], dtype=F32)
# NNCF's E2M1 table: 15 values, a single (negative) zero; centres are the midpoints.
E2M1_VALUES = np.array([-6, -4, -3, -2, -1.5, -1, -0.5, -0.0, 0.5, 1, 1.5, 2, 3, 4, 6], dtype=F32)
E2M1_CENTERS = (E2M1_VALUES[1:] + E2M1_VALUES[:-1]) / F32(2)
E2M1_MAGNITUDES = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6], dtype=F32)

BITS = {"int8_sym": 8, "int8_asym": 8, "int4_sym": 4, "int4_asym": 4, "nf4": 4, "e2m1": 4}


def clamp_eps(scale):
    return np.where(np.abs(scale) < EPS, EPS, scale).astype(F32)


def quantize(weight, mode, axis, group):
    w = weight.astype(F32)
    axis = axis % w.ndim
    channels = w.shape[axis]
    if group == -1:
        group = channels
    if channels % group != 0:
        raise ValueError(f"group {group} does not divide axis {axis} of size {channels}")
    grouped_shape = list(w.shape)
    grouped_shape[axis:axis + 1] = [channels // group, group]
    g = w.reshape(grouped_shape)
    red = axis + 1
    zero_points = None
    bits = BITS[mode]
    if mode.endswith("_asym"):
        high = F32(2 ** bits - 1)
        lo = np.min(g, axis=red, keepdims=True)
        hi = np.max(g, axis=red, keepdims=True)
        scale = clamp_eps((hi - lo) / high)
        zp = np.clip(F32(0) - np.round(lo / scale), F32(0), high).astype(F32)
        codes = np.clip(np.round(g / scale + zp), F32(0), high).astype(np.uint8)
        zero_points = zp.astype(np.uint8)
    elif mode.endswith("_sym"):
        factor = F32(2 ** (bits - 1))
        abs_min = np.abs(np.min(g, axis=red, keepdims=True))
        w_max = np.max(g, axis=red, keepdims=True)
        scale = clamp_eps(np.where(abs_min >= w_max, abs_min, -w_max) / factor)
        codes = np.clip(np.round(g / scale), -factor, factor - F32(1)).astype(np.int8)
    elif mode == "nf4":
        scale = clamp_eps(np.max(np.abs(g), axis=red, keepdims=True))
        codes = np.searchsorted(NF4_CENTERS, g / scale, side="left").astype(np.uint8)
    elif mode == "e2m1":
        if group != 32:
            raise ValueError("e2m1 needs group size 32")
        raw = clamp_eps(np.max(np.abs(g), axis=red, keepdims=True) / F32(6))
        # e8m0 scale: the smallest power of two >= raw, exponent within [-127, 127].
        mantissa, exponent = np.frexp(raw)
        exponent = np.where(mantissa == F32(0.5), exponent - 1, exponent)
        scale = np.ldexp(F32(1), np.clip(exponent, -127, 127)).astype(F32)
        n = g / scale
        idx = np.searchsorted(E2M1_CENTERS, n, side="left")
        right = np.clip(idx + 1, 0, E2M1_VALUES.size - 1)
        d_left = np.abs(n - E2M1_VALUES[idx])
        d_right = np.abs(n - E2M1_VALUES[right])
        take_right = (d_right < d_left) | ((d_left == d_right) & ((right + 1) % 2 == 0))
        value = E2M1_VALUES[np.where(take_right, right, idx)]
        magnitude = np.searchsorted(E2M1_MAGNITUDES, np.abs(value))
        codes = (magnitude | np.where(np.signbit(n), 8, 0)).astype(np.uint8)
    else:
        raise ValueError(f"unknown mode {mode}")
    codes = codes.reshape(w.shape)
    scale_shape = list(w.shape)
    scale_shape[axis] = channels // group
    scales = scale.astype(F32).reshape(scale_shape)
    if zero_points is not None:
        zero_points = zero_points.reshape(scale_shape)
    return codes, scales, zero_points


def run(weight_path, mode, axis, group, prefix):
    codes, scales, zero_points = quantize(np.load(weight_path), mode, int(axis), int(group))
    np.save(prefix + ".codes.npy", codes)
    np.save(prefix + ".scales.npy", scales)
    if zero_points is not None:
        np.save(prefix + ".zero_points.npy", zero_points)


def main(argv):
    if len(argv) == 3 and argv[1] == "--batch":
        with open(argv[2]) as manifest:
            for line in manifest:
                if line.strip():
                    run(*line.split())
        return 0
    if len(argv) == 6:
        run(*argv[1:])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    with np.errstate(all="ignore"):
        sys.exit(main(sys.argv))
