// Merkle-Patricia proof verdicts from @ethereumjs/mpt's verifyMerkleProof, for the C++ verifier to
// match. Usage: node mpt_reference.mjs SEED COUNT [real|generated] -> JSON [{c, r, k, p, ok, v}] on
// stdout: category, root, key (the trie path, already hashed for the state tries), proof nodes,
// whether @ethereumjs/mpt accepted the proof, and the value it proved (null for absence or
// rejection).
//
// Categories:
//   real              every node list of the real proofs in the vectors (proofs/, hive, op-node)
//   real-mutated      those with one byte changed, a node cut short, the last or first node dropped
//   generated         random tries built with @ethereumjs/mpt, proofs from its createMerkleProof
//                     for present and absent keys (its proofs repeat embedded nodes; geth's do not)
//   generated-mutated those with one byte of a hashed node changed, or the last node dropped
//   strict            extra nodes, swapped nodes, another key's proof: @ethereumjs/mpt loads the
//                     nodes into a database keyed by hash, so order and extras do not matter to it,
//                     while causeway requires the path's nodes in order and nothing else. There the
//                     C++ side only requires that it never accepts what @ethereumjs/mpt rejects.
// COUNT is the number of generated + generated-mutated + strict cases; the real ones come on top.
// `real` or `generated` writes only the real cases (and their mutations) or only the others.
import fs from 'node:fs';
import path from 'node:path';
import { createMPT, createMerkleProof, verifyMerkleProof } from '@ethereumjs/mpt';
import { keccak256 } from 'ethers';
import { prng, hex } from './prng.mjs';

const [seed, count] = process.argv.slice(2, 4).map(Number);
const only = process.argv[4];
const r = prng(seed);
const vectors = process.env.CAUSEWAY_VECTORS || path.join(import.meta.dirname, '..', '..', '..', 'shared', 'vectors');

const bytes = (h) => Uint8Array.from(Buffer.from(h.startsWith('0x') ? h.slice(2) : h, 'hex'));
const kk = (b) => bytes(keccak256(b));
const out = [];

async function verdict(root, key, proof) {
  try {
    const v = await verifyMerkleProof(key, proof, { root });
    return { ok: true, v: v === null ? null : hex(v) };
  } catch {
    return { ok: false, v: null };
  }
}

async function add(c, root, key, proof) {
  const { ok, v } = await verdict(root, key, proof);
  out.push({ c, r: hex(root), k: hex(key), p: proof.map(hex), ok, v });
}

// ----- real proofs -----

function readJson(relative) {
  const j = JSON.parse(fs.readFileSync(path.join(vectors, relative), 'utf8'));
  return j && j.jsonrpc && j.result ? j.result : j;
}

function ioResponse(relative) {
  const line = fs.readFileSync(path.join(vectors, relative), 'utf8').split('\n').find((l) => l.startsWith('<< '));
  return JSON.parse(line.slice(3)).result;
}

// [{root, key, proof}] for the account proof and each storage proof of an eth_getProof result.
function lists(stateRoot, p) {
  const res = [{ root: bytes(stateRoot), key: kk(bytes(p.address)), proof: p.accountProof.map(bytes) }];
  const storageRoot = bytes(p.storageHash);
  for (const s of p.storageProof || []) {
    const slot = bytes(BigInt(s.key).toString(16).padStart(64, '0'));
    res.push({ root: storageRoot, key: kk(slot), proof: s.proof.map(bytes) });
  }
  return res;
}

function realLists() {
  const res = [];
  const block = readJson('proofs/mainnet-helios/block.json');
  for (const f of ['proofs/mainnet-helios/proof.json', 'proofs/mainnet-helios/block_miner_proof.json']) {
    res.push(...lists(block.stateRoot, readJson(f)));
  }
  for (const e of readJson('proofs/mainnet-colibri/MANIFEST.json').proofs) {
    const p = readJson(`proofs/mainnet-colibri/${e.file}`);
    if (/^0x0+$/.test(p.storageHash)) p.storageProof = [];  // absent account: no storage trie
    res.push(...lists(e.stateRoot, p));
  }
  for (const f of ['ropsten_validAccount', 'ropsten_nonexistentAccount', 'ropsten_contractWithStorage']) {
    const p = readJson(`proofs/ropsten-ethereumjs/${f}.json`);
    res.push(...lists(keccak256(p.accountProof[0]), p));
  }
  for (const c of readJson('proofs/reth_trie_proof_tests.json').cases) {
    const root = c.stateRoot ?? keccak256(c.accountProof[0]);
    res.push({ root: bytes(root), key: kk(bytes(c.address)), proof: c.accountProof.map(bytes) });
    for (const s of c.storageProof) {
      res.push({ root: bytes(c.storageHash), key: kk(bytes(s.key)), proof: s.proof.map(bytes) });
    }
  }
  const latest = ioResponse('execution-apis-hive-chain/eth_getBlockByNumber/get-latest.io');
  res.push(...lists(latest.stateRoot, ioResponse('execution-apis-hive-chain/eth_getProof/get-account-proof-with-storage.io')));
  const op = JSON.parse(fs.readFileSync(path.join(vectors, 'opstack/output_root_op-node_TestOutputAtBlock.json'), 'utf8'));
  res.push(...lists(op.header.stateRoot, { ...op.accountProofResponse, storageProof: [] }));
  return res;
}

// One byte of a node changed; a node one byte short; the last or the first node dropped.
function mutations(proof, n) {
  const res = [];
  for (let i = 0; i < n; i++) {
    const p = proof.map((x) => Uint8Array.from(x));
    const j = r.int(p.length);
    const b = r.int(p[j].length);
    p[j][b] ^= 1 + r.int(255);
    res.push(p);
  }
  if (proof.length > 0) {
    const j = r.int(proof.length);
    res.push(proof.map((x, i) => (i === j ? x.subarray(0, x.length - 1) : x)));
    res.push(proof.slice(0, -1));
    if (proof.length > 1) res.push(proof.slice(1));
  }
  return res;
}

if (only !== 'generated' && fs.existsSync(vectors)) {
  for (const l of realLists()) {
    await add('real', l.root, l.key, l.proof);
    for (const m of mutations(l.proof, 24)) await add('real-mutated', l.root, l.key, m);
  }
}

// ----- generated tries -----

let generated = 0;
while (only !== 'real' && generated < count) {
  const trie = await createMPT({});
  const secure = r.next() < 0.5;
  const n = 1 + r.int(r.next() < 0.5 ? 16 : 400);
  const keys = new Map();
  for (let i = 0; i < n; i++) {
    const key = secure ? r.bytes(32) : r.bytes(1 + r.int(4));
    const value = r.bytes(1 + r.int(r.next() < 0.5 ? 4 : 48));
    await trie.put(key, value);
    keys.set(hex(key), key);
  }
  const root = trie.root();
  const present = [...keys.values()];
  const proofs = [];
  for (let i = 0; i < Math.min(present.length, 12) && generated < count; i++) {
    const key = present[r.int(present.length)];
    const proof = await createMerkleProof(trie, key);
    proofs.push({ key, proof });
    await add('generated', root, key, proof);
    generated++;
  }
  for (let i = 0; i < 8 && generated < count; i++) {
    const key = secure ? r.bytes(32) : r.bytes(1 + r.int(5));
    const proof = await createMerkleProof(trie, key);
    proofs.push({ key, proof });
    await add('generated', root, key, proof);
    generated++;
  }
  for (const { key, proof } of proofs.slice(0, 6)) {
    if (generated >= count) break;
    // Change a hashed node only: a changed copy of an embedded node is an unused database entry
    // to @ethereumjs/mpt, an extra node to causeway (a strict case, below).
    const hashed = proof.map((x, i) => i).filter((i) => i === 0 || proof[i].length >= 32);
    const p = proof.map((x) => Uint8Array.from(x));
    const j = hashed[r.int(hashed.length)];
    p[j][r.int(p[j].length)] ^= 1 + r.int(255);
    await add('generated-mutated', root, key, p);
    generated++;
    if (proof.length > 1 && generated < count) {
      await add('generated-mutated', root, key, proof.slice(0, -1));
      generated++;
    }
  }
  if (proofs.length >= 2 && generated + 3 <= count) {
    const [a, b] = proofs;
    await add('strict', root, a.key, [...a.proof, b.proof[b.proof.length - 1]]);
    await add('strict', root, a.key, b.proof);
    const swapped = [...a.proof];
    if (swapped.length > 2) [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    else swapped.push(swapped[0]);
    await add('strict', root, a.key, swapped);
    generated += 3;
  }
}

process.stdout.write(JSON.stringify(out));
