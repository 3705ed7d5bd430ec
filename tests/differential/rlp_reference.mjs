// Random RLP trees encoded by @ethereumjs/rlp and by ethers (two independent encoders).
// Usage: node rlp_reference.mjs SEED COUNT  -> JSON [{tree, ejs, ethers}] on stdout.
import { RLP } from '@ethereumjs/rlp';
import { encodeRlp } from 'ethers';
import { prng, hex } from './prng.mjs';

const [seed, count] = process.argv.slice(2).map(Number);
const r = prng(seed);

function tree(depth) {
  if (depth < 4 && r.next() < 0.3) {
    const n = r.int(depth === 0 ? 20 : 6);
    return Array.from({ length: n }, () => tree(depth + 1));
  }
  // Single bytes below and above 0x80 matter: they encode as themselves or with a header.
  if (r.next() < 0.2) return r.bytes(1);
  return r.bytes(r.size());
}

const toHexTree = (t) => (Array.isArray(t) ? t.map(toHexTree) : hex(t));
const out = [];
for (let i = 0; i < count; i++) {
  const t = tree(0);
  const hexTree = toHexTree(t);
  out.push({ tree: hexTree, ejs: hex(RLP.encode(t)), ethers: encodeRlp(hexTree) });
}
process.stdout.write(JSON.stringify(out));
