// The peers' side of `make bench`: the same operations on the same inputs through ethers v6,
// @ethereumjs/rlp and @ethereumjs/mpt. Prints JSON {name: ns_per_op}. Usage: node bench/peers.mjs INPUTS.json
import fs from 'node:fs';
import { keccak256, SigningKey, Signature, Transaction, Wallet, getBytes, recoverAddress } from 'ethers';
import { RLP } from '@ethereumjs/rlp';
import { verifyMerkleProof } from '@ethereumjs/mpt';

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

// Merkle-Patricia proofs: @ethereumjs/mpt's verifyMerkleProof (async) on the account proof and each
// storage proof, with the same checks mpt_bench's verify_eip1186 makes (account fields and values).
async function measureAsync(name, fn, budgetMs = 1500) {
  for (let i = 0; i < 50; i++) await fn();
  let best = Infinity;
  const deadline = performance.now() + budgetMs;
  let batch = 4;
  while (performance.now() < deadline) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) await fn();
    const ns = Number(process.hrtime.bigint() - t0) / batch;
    best = Math.min(best, ns);
    if (ns * batch < 20e6) batch *= 2;
  }
  results[name] = best;
}

const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const big = (b) => (b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex')));
for (const [name, c] of Object.entries(inputs.mpt ?? {})) {
  const p = c.proof;
  const root = getBytes(c.stateRoot);
  const address = getBytes(p.address);
  const accountProof = p.accountProof.map(getBytes);
  const claimed = [BigInt(p.nonce), BigInt(p.balance), getBytes(p.storageHash), getBytes(p.codeHash)];
  const slots = p.storageProof.map((s) => ({
    key: getBytes('0x' + BigInt(s.key).toString(16).padStart(64, '0')),
    value: BigInt(s.value),
    proof: s.proof.map(getBytes),
  }));
  const verify = async () => {
    const leaf = await verifyMerkleProof(address, accountProof, { root, useKeyHashing: true });
    const [nonce, balance, storageRoot, codeHash] = RLP.decode(leaf);
    if (big(nonce) !== claimed[0] || big(balance) !== claimed[1] || !eq(storageRoot, claimed[2]) ||
        !eq(codeHash, claimed[3])) throw new Error(`${name}: account mismatch`);
    for (const s of slots) {
      const v = await verifyMerkleProof(s.key, s.proof, { root: storageRoot, useKeyHashing: true });
      if ((v === null ? 0n : big(RLP.decode(v))) !== s.value) throw new Error(`${name}: storage mismatch`);
    }
  };
  await verify();
  await measureAsync(`mpt_verify_eip1186/${name}`, verify);
}

process.stdout.write(JSON.stringify(results));
if (sink === 0.5) console.error(sink);
