// Runs ONNX Runtime on a reference model and on copies written by libnncf, with the same
// deterministic inputs, and requires bit-identical outputs.
// Usage: node same_outputs.js reference.onnx copy1.onnx [copy2.onnx ...]
'use strict';
const ort = require('onnxruntime-node');

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, bool: Uint8Array,
};

function makeInput(meta, seed) {
  const dims = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 2));
  const count = dims.reduce((a, b) => a * b, 1);
  const Arr = ARRAYS[meta.type];
  if (!Arr) throw new Error(`input ${meta.name}: unsupported type ${meta.type}`);
  const data = new Arr(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; ++i) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = state / 4294967296;
    if (Arr === BigInt64Array || Arr === BigUint64Array) data[i] = BigInt(Math.floor(u * 4));
    else if (meta.type === 'bool') data[i] = u < 0.5 ? 0 : 1;
    else if (Arr === Float32Array || Arr === Float64Array) data[i] = u * 2 - 1;
    else data[i] = Math.floor(u * 4);
  }
  return new ort.Tensor(meta.type, data, dims);
}

async function outputsOf(path, feeds) {
  const session = await ort.InferenceSession.create(path);
  return session.run(feeds);
}

(async () => {
  const [reference, ...copies] = process.argv.slice(2);
  if (!reference || copies.length === 0) {
    console.error('usage: node same_outputs.js reference.onnx copy.onnx [...]');
    process.exit(2);
  }
  const refSession = await ort.InferenceSession.create(reference);
  const feeds = {};
  refSession.inputMetadata.forEach((meta, i) => { feeds[meta.name] = makeInput(meta, 1234 + i); });
  const expected = await refSession.run(feeds);
  let passed = 0;
  let failed = 0;
  for (const copy of copies) {
    let problem = '';
    try {
      const got = await outputsOf(copy, feeds);
      for (const name of Object.keys(expected)) {
        const a = expected[name].data;
        const b = got[name] ? got[name].data : null;
        if (!b || a.length !== b.length) { problem = `output ${name}: missing or wrong size`; break; }
        for (let i = 0; i < a.length; ++i) {
          if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) {
            problem = `output ${name}[${i}]: ${a[i]} vs ${b[i]}`;
            break;
          }
        }
        if (problem) break;
      }
    } catch (e) {
      problem = String(e.message || e);
    }
    if (problem) { failed++; console.log(`FAIL ${copy}: ${problem}`); }
    else { passed++; console.log(`PASS ${copy}`); }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
