// Runs ONNX Runtime (onnxruntime-node, default graph optimization level) on a model with inputs
// read from .npy files and writes its outputs as .npy files.
//
// Case mode (one process for many input sets):
//   node run_ort.js MODEL.onnx [OPTIONS] CASE_DIR [CASE_DIR ...]
//   Each CASE_DIR holds input_<i>.npy for the model's i-th input; output_<j>.npy is written there
//   for its j-th output (the orders of the graph's inputs and outputs).
// Named mode:
//   node run_ort.js MODEL.onnx [OPTIONS] --input NAME=FILE.npy [...] --output-dir DIR
//   writes DIR/output_<j>.npy and DIR/outputs.txt (the output names, one a line, in order).
// OPTIONS:
//   --threads N        intra-op threads (default: ORT's choice)
//   --config KEY=VALUE a session config entry, e.g. session.qdq_matmulnbits_accuracy_level=1
//                      (the graph optimization level always stays ORT's default)
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const { readNpy, writeNpy } = require('./npy');

function usage(message) {
  console.error(`run_ort.js: ${message}\n` +
                'usage: node run_ort.js MODEL.onnx [--threads N] [--config KEY=VALUE ...] ' +
                'CASE_DIR [CASE_DIR ...]\n' +
                '       node run_ort.js MODEL.onnx [--threads N] [--config KEY=VALUE ...] ' +
                '--input NAME=FILE.npy [...] ' +
                '--output-dir DIR');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { model: argv[0], threads: 0, cases: [], named: [], outputDir: null, config: {} };
  if (!args.model) usage('no model given');
  for (let i = 1; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--threads') args.threads = Number(argv[++i]);
    else if (a === '--input') {
      const spec = argv[++i] || '';
      const eq = spec.lastIndexOf('=');
      if (eq <= 0) usage(`--input wants NAME=FILE.npy, got '${spec}'`);
      args.named.push([spec.slice(0, eq), spec.slice(eq + 1)]);
    } else if (a === '--config') {
      const spec = argv[++i] || '';
      const eq = spec.indexOf('=');
      if (eq <= 0) usage(`--config wants KEY=VALUE, got '${spec}'`);
      args.config[spec.slice(0, eq)] = spec.slice(eq + 1);
    } else if (a === '--output-dir') args.outputDir = argv[++i];
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else args.cases.push(a);
  }
  if (!Number.isInteger(args.threads) || args.threads < 0) usage('--threads wants a count >= 0');
  if (args.named.length && (args.cases.length || !args.outputDir)) {
    usage('named mode takes --input ... --output-dir DIR and no case dirs');
  }
  if (!args.named.length && !args.cases.length) usage('no case dirs and no --input given');
  return args;
}

function tensorFrom(file) {
  const { type, dims, data } = readNpy(file);
  return new ort.Tensor(type, data, dims);
}

async function runOnce(session, feeds, outDir) {
  const results = await session.run(feeds);
  session.outputNames.forEach((name, j) => {
    const t = results[name];
    writeNpy(path.join(outDir, `output_${j}.npy`), t.type, t.dims, t.data);
  });
}

(async () => {
  const args = parseArgs(process.argv.slice(2));
  const options = {};
  // Config keys are dotted ("session.x"); onnxruntime-node takes them as nested objects.
  for (const [key, value] of Object.entries(args.config)) {
    let node = options.extra = options.extra || {};
    const parts = key.split('.');
    for (const part of parts.slice(0, -1)) node = node[part] = node[part] || {};
    node[parts[parts.length - 1]] = value;
  }
  if (args.threads > 0) {
    options.intraOpNumThreads = args.threads;
    options.interOpNumThreads = 1;
  }
  const session = await ort.InferenceSession.create(args.model, options);
  if (args.named.length) {
    const feeds = {};
    for (const [name, file] of args.named) {
      if (!session.inputNames.includes(name)) {
        throw new Error(`model has no input '${name}' (inputs: ${session.inputNames.join(', ')})`);
      }
      feeds[name] = tensorFrom(file);
    }
    fs.mkdirSync(args.outputDir, { recursive: true });
    await runOnce(session, feeds, args.outputDir);
    fs.writeFileSync(path.join(args.outputDir, 'outputs.txt'),
                     session.outputNames.map((n) => `${n}\n`).join(''));
    console.log(`ran ${args.model}: ${session.outputNames.length} outputs in ${args.outputDir}`);
    return;
  }
  for (const dir of args.cases) {
    const feeds = {};
    session.inputNames.forEach((name, i) => {
      feeds[name] = tensorFrom(path.join(dir, `input_${i}.npy`));
    });
    await runOnce(session, feeds, dir);
  }
  console.log(`ran ${args.model} on ${args.cases.length} case(s)`);
})().catch((e) => {
  console.error(`run_ort.js: ${e.message || e}`);
  process.exit(1);
});
