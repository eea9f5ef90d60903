#!/usr/bin/env node
// The executor_bench measurement with ONNX Runtime (onnxruntime-node from tests/ort/node_modules):
// per (model, batch, threads) one session with intra_op_num_threads = inter_op_num_threads =
// threads, sequential execution and graph optimization level "all"; one warm-up run, then runs in
// a loop until at least --min_time seconds (and 3 runs) have passed; prints the mean.
//
//   node bench/ort_bench.js --models=a.onnx,b.onnx --batches=1,8 --threads=1,2 [--min_time=3]
// (or NNCF_BENCH_MODELS / NNCF_BENCH_BATCHES / NNCF_BENCH_THREADS / NNCF_BENCH_MIN_TIME).
// Output: one line per case, RESULT ort <model> <batch> <threads> <ms per run>.
'use strict';

const path = require('path');
const { createRequire } = require('module');

const ortRequire = createRequire(path.join(__dirname, '..', 'tests', 'ort', 'package.json'));
const ort = ortRequire('onnxruntime-node');

function options() {
  const result = {
    models: [],
    batches: [1, 8],
    threads: [1, 2],
    minTime: 3.0,
  };
  const apply = (key, value) => {
    const ints = () => value.split(',').filter((s) => s).map((s) => parseInt(s, 10));
    if (key === 'models') result.models = value.split(',').filter((s) => s);
    else if (key === 'batches') result.batches = ints();
    else if (key === 'threads') result.threads = ints();
    else if (key === 'min_time') result.minTime = parseFloat(value);
    else throw new Error(`unknown option --${key}`);
  };
  for (const key of ['models', 'batches', 'threads', 'min_time']) {
    const value = process.env[`NNCF_BENCH_${key.toUpperCase()}`];
    if (value !== undefined) apply(key, value);
  }
  for (const arg of process.argv.slice(2)) {
    const match = /^--([a-z_]+)=(.*)$/.exec(arg);
    if (!match) throw new Error(`bad argument ${arg}`);
    apply(match[1], match[2]);
  }
  if (result.models.length === 0) {
    throw new Error('usage: ort_bench.js --models=a.onnx[,b.onnx] [--batches=1,8] [--threads=1,2]');
  }
  return result;
}

// A deterministic generator (the values only need to be ordinary floats in [-1, 1]).
function makeRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296) * 2 - 1;
  };
}

function makeFeeds(session, batch) {
  const random = makeRandom(1234);
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    const meta = session.inputMetadata[i];
    const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : batch));
    const count = dims.reduce((a, b) => a * b, 1);
    if (meta.type === 'float32') {
      const data = new Float32Array(count);
      for (let k = 0; k < count; ++k) data[k] = random();
      feeds[name] = new ort.Tensor('float32', data, dims);
    } else if (meta.type === 'int64') {
      feeds[name] = new ort.Tensor('int64', new BigInt64Array(count), dims);
    } else if (meta.type === 'int32') {
      feeds[name] = new ort.Tensor('int32', new Int32Array(count), dims);
    } else {
      throw new Error(`input ${name}: the bench feeds float, int32 or int64 only`);
    }
  });
  return feeds;
}

async function measure(modelPath, batch, threads, minTime) {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: threads,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = makeFeeds(session, batch);
  await session.run(feeds);  // warm-up
  let runs = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (runs < 3 || elapsed < minTime) {
    await session.run(feeds);
    ++runs;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  await session.release();
  return { ms: (elapsed * 1000) / runs, runs };
}

async function main() {
  const opts = options();
  for (const model of opts.models) {
    const name = path.basename(model, '.onnx');
    for (const batch of opts.batches) {
      for (const threads of opts.threads) {
        const { ms, runs } = await measure(model, batch, threads, opts.minTime);
        const perItem = ms / batch;
        console.log(`${name}/batch:${batch}/threads:${threads}  ${ms.toFixed(3)} ms  ` +
                    `${runs} runs  ${(1000 / perItem).toFixed(1)} items/s`);
        console.log(`RESULT ort ${name} ${batch} ${threads} ${ms.toFixed(3)}`);
      }
    }
  }
}

main().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
