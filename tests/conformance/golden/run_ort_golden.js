// Runs ONNX Runtime (onnxruntime-node 1.30 from tests/ort/node_modules) on the jobs that
// make_golden.py writes: <work>/<case>/{model.onnx, job.json, input_N.bin}. Writes each case's
// outputs as raw little-endian bytes (output_N.bin) and result.json ({outputs: [{name, type, dims,
// file}]} or {error}). Graph optimizations are off so that the outputs are those of the node's
// own kernel.
// Usage: node run_ort_golden.js WORK_DIR CASE [CASE ...]
'use strict';
const fs = require('fs');
const path = require('path');
const ORT_DIR = path.join(__dirname, '..', '..', 'ort', 'node_modules', 'onnxruntime-node');
const ort = require(ORT_DIR);
// The committed outputs are those of this release; another one may compute them differently.
const EXPECTED_VERSION = /^1\.30\./;

const ARRAYS = {
  float32: Float32Array, float16: Uint16Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, int64: BigInt64Array,
};

function readFeed(dir, feed) {
  const Arr = ARRAYS[feed.type];
  if (!Arr) throw new Error(`input ${feed.name}: no typed array for ${feed.type}`);
  const bytes = fs.readFileSync(path.join(dir, feed.file));
  const data = new Arr(bytes.byteLength / Arr.BYTES_PER_ELEMENT);
  new Uint8Array(data.buffer).set(bytes);
  return new ort.Tensor(feed.type, data, feed.dims);
}

async function runCase(dir) {
  const job = JSON.parse(fs.readFileSync(path.join(dir, 'job.json'), 'utf8'));
  const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const feeds = {};
  for (const feed of job.feeds) feeds[feed.name] = readFeed(dir, feed);
  const results = await session.run(feeds);
  const outputs = job.outputs.map((name, i) => {
    const tensor = results[name];
    if (!tensor) throw new Error(`no output ${name}`);
    if (!ARRAYS[tensor.type]) throw new Error(`output ${name} has type ${tensor.type}`);
    const file = `output_${i}.bin`;
    const data = tensor.data;
    fs.writeFileSync(path.join(dir, file), Buffer.from(data.buffer, data.byteOffset,
                                                       data.byteLength));
    return {name, type: tensor.type, dims: tensor.dims.map(Number), file};
  });
  return {outputs};
}

(async () => {
  const [work, ...cases] = process.argv.slice(2);
  if (!work || cases.length === 0) {
    console.error('usage: node run_ort_golden.js WORK_DIR CASE [CASE ...]');
    process.exit(2);
  }
  const version = JSON.parse(fs.readFileSync(path.join(ORT_DIR, 'package.json'), 'utf8')).version;
  if (!EXPECTED_VERSION.test(version)) {
    console.error(`onnxruntime-node ${version} is installed; the golden data is made with 1.30`);
    process.exit(1);
  }
  for (const name of cases) {
    const dir = path.join(work, name);
    let result;
    try {
      result = await runCase(dir);
    } catch (error) {
      result = {error: String(error.message || error).split('\n')[0]};
    }
    fs.writeFileSync(path.join(dir, 'result.json'), JSON.stringify(result));
  }
})();
