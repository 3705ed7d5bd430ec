// Joins Google Benchmark's JSON with the peers' figures into one table with ratios.
// Usage: node bench/report.mjs PEERS.json CPP.json [CPP.json ...]
import fs from 'node:fs';

const peers = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ours = {};
for (const file of process.argv.slice(3)) {
  for (const b of JSON.parse(fs.readFileSync(file, 'utf8')).benchmarks) {
    if (b.run_type === 'aggregate' && b.aggregate_name !== 'median') continue;
    const unit = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[b.time_unit];
    ours[b.run_name ?? b.name.replace(/_median$/, '')] = b.real_time * unit;
  }
}

// Each row: what we measure, our benchmark, the peer's, the peer's name, and the target ratio.
const rows = [
  ['keccak256 32 B', 'BM_keccak256/32', 'keccak256/32', 'ethers keccak256'],
  ['keccak256 136 B', 'BM_keccak256/136', 'keccak256/136', 'ethers keccak256'],
  ['keccak256 1 KiB', 'BM_keccak256/1024', 'keccak256/1024', 'ethers keccak256'],
  ['keccak256 64 KiB', 'BM_keccak256/65536', 'keccak256/65536', 'ethers keccak256'],
  ['RLP decode mainnet header', 'BM_rlp_decode_header', 'rlp_decode_header', '@ethereumjs/rlp decode', 20],
  ['secp256k1 recover address', 'BM_secp256k1_recover_address', 'secp256k1_recover', 'ethers recoverAddress'],
  ['secp256k1 recover', 'BM_secp256k1_recover', 'cpp:BM_libsecp256k1_recover_bare', 'bare secp256k1_ecdsa_recover', 1 / 1.1],
  ['EIP-1559 sign + encode', 'BM_eip1559_sign', 'eip1559_sign', 'ethers sign + serialize'],
  ['checkpoint 3-of-5 verify', 'BM_checkpoint_verify_3_of_5', 'cpp:BM_bare_recover_3', 'bare secp256k1 recover x3', 1 / 1.2],
  ['checkpoint 13-of-19 verify', 'BM_checkpoint_verify_13_of_19', 'cpp:BM_bare_recover_13', 'bare secp256k1 recover x13', 1 / 1.2],
  // EIP-1186 account + storage proofs (mainnet): against @ethereumjs/mpt, against the floor (keccak256
  // of every node, batched as the verifier hashes them: 8 per permutation with AVX-512, 4 with AVX2),
  // and against hashing the nodes one by one.
  ['MPT acct+1 slot (deposit)', 'BM_mpt_verify_eip1186/deposit_1_slot', 'mpt_verify_eip1186/deposit_1_slot', 'ejs-mpt verifyMerkleProof', 30],
  ['MPT acct+1 slot vs floor', 'BM_mpt_verify_eip1186/deposit_1_slot', 'cpp:BM_mpt_keccak_batch_floor/deposit_1_slot', 'keccak256 of nodes, batched', 0.8],
  ['MPT acct+1 slot vs 1-by-1', 'BM_mpt_verify_eip1186/deposit_1_slot', 'cpp:BM_mpt_keccak_floor/deposit_1_slot', 'keccak256 of nodes, 1 by 1'],
  ['MPT acct+3 slots (USDC)', 'BM_mpt_verify_eip1186/usdc_3_slots', 'mpt_verify_eip1186/usdc_3_slots', 'ejs-mpt verifyMerkleProof', 30],
  ['MPT acct+3 slots vs floor', 'BM_mpt_verify_eip1186/usdc_3_slots', 'cpp:BM_mpt_keccak_batch_floor/usdc_3_slots', 'keccak256 of nodes, batched', 0.8],
  ['MPT acct+3 slots vs 1-by-1', 'BM_mpt_verify_eip1186/usdc_3_slots', 'cpp:BM_mpt_keccak_floor/usdc_3_slots', 'keccak256 of nodes, 1 by 1'],
];

const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} us` : `${ns.toFixed(1)} ns`);
const pad = (s, n) => String(s).padEnd(n);
const lines = [];
lines.push(`${pad('operation', 27)}${pad('causeway', 12)}${pad('peer', 12)}${pad('peer is', 30)}${pad('speed-up', 10)}target`);
let failed = 0;
for (const [label, ourKey, peerKey, peerName, target] of rows) {
  const a = ours[ourKey];
  const b = peerKey.startsWith('cpp:') ? ours[peerKey.slice(4)] : peers[peerKey];
  if (a === undefined || b === undefined) {
    lines.push(`${pad(label, 27)}${pad(a === undefined ? 'n/a' : fmt(a), 12)}${pad(b === undefined ? 'n/a' : fmt(b), 12)}${pad(peerName, 30)}(input missing)`);
    continue;
  }
  const ratio = b / a;
  let verdict = '';
  if (target !== undefined) {
    const ok = ratio >= target;
    if (!ok) failed++;
    verdict = target >= 1 ? `>= ${target}x ${ok ? 'met' : 'MISSED'}` : `within ${(1 / target).toFixed(2)}x ${ok ? 'met' : 'MISSED'}`;
  }
  lines.push(`${pad(label, 27)}${pad(fmt(a), 12)}${pad(fmt(b), 12)}${pad(peerName, 30)}${pad(ratio.toFixed(2) + 'x', 10)}${verdict}`);
}
console.log(lines.join('\n'));
process.exitCode = failed ? 1 : 0;
