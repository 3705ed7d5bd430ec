// The peers' side of `make bench`: the same operations on the same inputs through ethers v6 and
// @ethereumjs/rlp. Prints JSON {name: ns_per_op}. Usage: node bench/peers.mjs INPUTS.json
import fs from 'node:fs';
import { keccak256, SigningKey, Signature, Transaction, Wallet, getBytes, recoverAddress } from 'ethers';
import { RLP } from '@ethereumjs/rlp';

const inputs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = {};
let sink = 0;

// Runs fn in growing batches until at least `budgetMs` has passed; reports the best batch's mean.
function measure(name, fn, budgetMs = 1000) {
  for (let i = 0; i < 200; i++) fn(); // warm up the JIT
  let best = Infinity;
  const deadline = performance.now() + budgetMs;
  let batch = 16;
  while (performance.now() < deadline) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    const ns = Number(process.hrtime.bigint() - t0) / batch;
    best = Math.min(best, ns);
    if (ns * batch < 20e6) batch *= 2;
  }
  results[name] = best;
}

for (const size of [32, 136, 1024, 65536]) {
  const data = new Uint8Array(size).fill(0xab);
  measure(`keccak256/${size}`, () => { sink ^= keccak256(data).length; });
}

if (inputs.header) {
  const rlp = getBytes(inputs.header.rlp);
  measure('rlp_decode_header', () => { sink ^= RLP.decode(rlp).length; });
}

const { digest, r, s, v } = inputs.secp256k1;
const sig = Signature.from({ r, s, v: 27 + v });
measure('secp256k1_recover', () => { sink ^= recoverAddress(digest, sig).length; }, 1500);

const wallet = new Wallet(inputs.secp256k1.key);
const tx = Transaction.from({ type: 2, ...inputs.tx });
measure('eip1559_sign', () => {
  const t = tx.clone();
  t.signature = wallet.signingKey.sign(t.unsignedHash);
  sink ^= t.serialized.length;
}, 1500);

process.stdout.write(JSON.stringify(results));
if (sink === 0.5) console.error(sink);
