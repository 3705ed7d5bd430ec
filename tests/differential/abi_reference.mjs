// Reference ABI encodings from ethers v6 for the differential test of causeway::abi.
// Usage: node abi_reference.mjs SEED [COUNT=10000]  -> one JSON document on stdout.
//
// Deterministic (prng.mjs): random type trees (elementary types, T[], T[k] and tuples, nested) and
// random values with edge cases (0, maxima, minima, empty and word-boundary byte strings,
// non-ASCII strings), as
//
//   {"seed": N, "cases": [{"types": [...],      the generated type strings
//                          "canonical": [...],  ethers' ParamType.format("sighash") of each
//                          "values": [...],     JSON form (below)
//                          "encoded": "0x...",  AbiCoder.defaultAbiCoder().encode(types, values)
//                          "signature": "f<i>(...)", "selector": "0x..."}]}  (FunctionFragment)
//
// Values in JSON: uintN/intN as hex strings ("0x1f", "-0x80"), address/bytesN/bytes as 0x hex,
// bool as a boolean, string as a string, arrays and tuples as arrays.
import { AbiCoder, FunctionFragment, ParamType, hexlify } from 'ethers';
import { prng } from './prng.mjs';

const seed = Number(process.argv[2] ?? '1');
const count = Number(process.argv[3] ?? '10000');
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 0) {
  console.error('usage: abi_reference.mjs <seed> [count]');
  process.exit(2);
}

const r = prng(seed);
const random = r.next;
const int = r.int;
const pick = (items) => items[int(items.length)];
const randomBytes = r.bytes;

function randomBigInt(bits) {
  // A value of a random bit length up to `bits`, so small and large values both appear.
  const len = 1 + int(bits);
  let v = 0n;
  for (let i = 0; i < len; i += 8) v = (v << 8n) | BigInt(int(256));
  return v & ((1n << BigInt(len)) - 1n);
}

// ----- types -----

const kElementary = ['uint', 'int', 'address', 'bool', 'bytesN', 'bytes', 'string'];

function randomType(depth) {
  if (depth < 4 && random() < 0.3 - depth * 0.05) {
    switch (int(3)) {
      case 0: return { kind: 'array', element: randomType(depth + 1) };
      case 1: return { kind: 'fixed', element: randomType(depth + 1), length: 1 + int(3) };
      default: {
        const components = [];
        const n = 1 + int(4);
        for (let i = 0; i < n; ++i) components.push(randomType(depth + 1));
        return { kind: 'tuple', components };
      }
    }
  }
  switch (pick(kElementary)) {
    case 'uint': return { kind: 'uint', bits: 8 * (1 + int(32)) };
    case 'int': return { kind: 'int', bits: 8 * (1 + int(32)) };
    case 'address': return { kind: 'address' };
    case 'bool': return { kind: 'bool' };
    case 'bytesN': return { kind: 'bytesN', size: 1 + int(32) };
    case 'bytes': return { kind: 'bytes' };
    default: return { kind: 'string' };
  }
}

function typeString(t) {
  switch (t.kind) {
    case 'uint': return `uint${t.bits}`;
    case 'int': return `int${t.bits}`;
    case 'bytesN': return `bytes${t.size}`;
    case 'array': return `${typeString(t.element)}[]`;
    case 'fixed': return `${typeString(t.element)}[${t.length}]`;
    case 'tuple': return `(${t.components.map(typeString).join(',')})`;
    default: return t.kind;  // address, bool, bytes, string
  }
}

// ----- values: [ethers input, JSON form] -----

const hexNumber = (v) => (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));

const kStringPieces = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0000', '\u007f', 'é', 'ß', '€', '中', '𝄞', '😀'];

function randomString() {
  const len = pick([0, 1, 31, 32, 33, int(12), int(40)]);
  let s = '';
  for (let i = 0; i < len; ++i) s += random() < 0.7 ? String.fromCharCode(0x20 + int(0x5f)) : pick(kStringPieces);
  return s;
}

function randomValue(t) {
  switch (t.kind) {
    case 'uint': {
      const max = (1n << BigInt(t.bits)) - 1n;
      const v = pick([0n, 1n, max, max - 1n, randomBigInt(t.bits), randomBigInt(t.bits), randomBigInt(t.bits)]);
      return [v, hexNumber(v)];
    }
    case 'int': {
      const max = (1n << BigInt(t.bits - 1)) - 1n;
      const min = -max - 1n;
      let v;
      switch (int(8)) {
        case 0: v = 0n; break;
        case 1: v = -1n; break;
        case 2: v = max; break;
        case 3: v = min; break;
        case 4: v = min + 1n; break;
        default: {
          v = randomBigInt(t.bits - 1 > 0 ? t.bits - 1 : 1) & max;
          if (random() < 0.5) v = -v - (random() < 0.5 ? 1n : 0n);
        }
      }
      return [v, hexNumber(v)];
    }
    case 'address': {
      const a = hexlify(random() < 0.05 ? new Uint8Array(20) : randomBytes(20));
      return [a, a];
    }
    case 'bool': {
      const b = random() < 0.5;
      return [b, b];
    }
    case 'bytesN': {
      const b = hexlify(randomBytes(t.size));
      return [b, b];
    }
    case 'bytes': {
      const b = hexlify(randomBytes(pick([0, 1, 31, 32, 33, 64, int(100)])));
      return [b, b];
    }
    case 'string': {
      const s = randomString();
      return [s, s];
    }
    case 'array':
    case 'fixed': {
      const n = t.kind === 'fixed' ? t.length : pick([0, 1, 2, 3, int(5)]);
      const items = [];
      for (let i = 0; i < n; ++i) items.push(randomValue(t.element));
      return [items.map((x) => x[0]), items.map((x) => x[1])];
    }
    case 'tuple': {
      const items = t.components.map(randomValue);
      return [items.map((x) => x[0]), items.map((x) => x[1])];
    }
  }
  throw new Error(`unknown kind ${t.kind}`);
}

// ----- cases -----

const coder = AbiCoder.defaultAbiCoder();
const cases = [];
for (let i = 0; i < count; ++i) {
  const n = int(5);  // 0..4 top-level types
  const types = [];
  for (let k = 0; k < n; ++k) types.push(randomType(0));
  const strings = types.map(typeString);
  const values = types.map(randomValue);
  const encoded = coder.encode(strings, values.map((v) => v[0]));
  const fragment = FunctionFragment.from(`function f${i}(${strings.join(',')})`);
  cases.push({
    types: strings,
    canonical: strings.map((s) => ParamType.from(s).format('sighash')),
    values: values.map((v) => v[1]),
    encoded,
    signature: fragment.format('sighash'),
    selector: fragment.selector,
  });
}
process.stdout.write(JSON.stringify({ seed, cases }));
process.stdout.write('\n');
