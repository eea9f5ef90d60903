// Reads and writes NumPy .npy files (format versions 1 to 3, little-endian, C order) as
// onnxruntime-node tensors' type strings and typed arrays.
'use strict';
const fs = require('fs');

// .npy descr <-> ORT type and typed array.
const TYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<f2': ['float16', Uint16Array],
  '|i1': ['int8', Int8Array], '|u1': ['uint8', Uint8Array], '|b1': ['bool', Uint8Array],
  '<i2': ['int16', Int16Array], '<u2': ['uint16', Uint16Array],
  '<i4': ['int32', Int32Array], '<u4': ['uint32', Uint32Array],
  '<i8': ['int64', BigInt64Array], '<u8': ['uint64', BigUint64Array],
};
const DESCR_OF = {};
for (const [descr, [type]] of Object.entries(TYPES)) DESCR_OF[type] = descr;

function fail(path, message) { throw new Error(`${path}: ${message}`); }

// Returns {type, dims, data} for the array in `path`.
function readNpy(path) {
  const bytes = fs.readFileSync(path);
  if (bytes.length < 10 || bytes.toString('latin1', 0, 6) !== '\x93NUMPY') fail(path, 'not an .npy file');
  const major = bytes[6];
  let headerLen;
  let offset;
  if (major === 1) { headerLen = bytes.readUInt16LE(8); offset = 10; }
  else if (major === 2 || major === 3) { headerLen = bytes.readUInt32LE(8); offset = 12; }
  else fail(path, `unsupported .npy version ${major}`);
  const header = bytes.toString(major === 3 ? 'utf8' : 'latin1', offset, offset + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const order = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !order || !shape) fail(path, `bad header ${header.trim()}`);
  if (order[1] === 'True') fail(path, 'Fortran order is not supported');
  const entry = TYPES[descr[1]];
  if (!entry) fail(path, `unsupported dtype ${descr[1]}`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const [type, Arr] = entry;
  const start = offset + headerLen;
  if (bytes.length - start !== count * Arr.BYTES_PER_ELEMENT) {
    fail(path, `expected ${count * Arr.BYTES_PER_ELEMENT} data bytes, found ${bytes.length - start}`);
  }
  // Copy so the typed array is aligned whatever the header length.
  const data = new Arr(count);
  new Uint8Array(data.buffer).set(bytes.subarray(start));
  return { type, dims, data };
}

// Writes a version 1.0 file; the header is padded so the data starts on a 64-byte boundary.
function writeNpy(path, type, dims, data) {
  const descr = DESCR_OF[type];
  if (!descr) fail(path, `cannot write ORT type ${type}`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]));
}

module.exports = { readNpy, writeNpy };
