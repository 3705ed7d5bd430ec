// Builds the benchmark inputs that both sides use: a real mainnet header's RLP (built from the
// vector's JSON and checked against its hash), a key, a digest, a signature, an EIP-1559
// transaction, and real mainnet eth_getProof results. Usage: node bench/inputs.mjs OUT.json
import fs from 'node:fs';
import path from 'node:path';
import { encodeRlp, keccak256, toBeArray, hexlify, SigningKey, Transaction } from 'ethers';

const vectors = process.env.CAUSEWAY_VECTORS || path.join(import.meta.dirname, '..', '..', 'shared', 'vectors');
const headerFile = 'headers/mainnet/trin/block_19433902_value.json';
const out = {};

const quantity = (q) => (BigInt(q) === 0n ? '0x' : hexlify(toBeArray(BigInt(q))));
try {
  const h = JSON.parse(fs.readFileSync(path.join(vectors, headerFile), 'utf8')).result;
  const fields = [h.parentHash, h.sha3Uncles, h.miner, h.stateRoot, h.transactionsRoot, h.receiptsRoot,
    h.logsBloom, quantity(h.difficulty), quantity(h.number), quantity(h.gasLimit), quantity(h.gasUsed),
    quantity(h.timestamp), h.extraData, h.mixHash, h.nonce, quantity(h.baseFeePerGas), h.withdrawalsRoot,
    quantity(h.blobGasUsed), quantity(h.excessBlobGas), h.parentBeaconBlockRoot];
  const rlp = encodeRlp(fields);
  if (keccak256(rlp) !== h.hash) throw new Error(`${headerFile}: rebuilt RLP does not hash to ${h.hash}`);
  out.header = { source: `${headerFile} (mainnet block 19433902, Cancun)`, rlp, hash: h.hash };
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
  process.stderr.write(`bench: vectors not found at ${vectors}; the header benchmark is skipped\n`);
}

// Real mainnet eth_getProof results with the state root of their block (mpt_bench, peers.mjs): the
// beacon deposit contract with 1 slot (helios, block 21925176) and USDC with 3 slots (colibri,
// block 22432262).
try {
  const read = (f) => {
    const j = JSON.parse(fs.readFileSync(path.join(vectors, f), 'utf8'));
    return j.jsonrpc ? j.result : j;
  };
  const usdc = read('proofs/mainnet-colibri/MANIFEST.json').proofs.find((p) => p.storageKeys.length === 3);
  out.mpt = {
    deposit_1_slot: { source: 'proofs/mainnet-helios/proof.json', stateRoot: read('proofs/mainnet-helios/block.json').stateRoot,
      proof: read('proofs/mainnet-helios/proof.json') },
    usdc_3_slots: { source: `proofs/mainnet-colibri/${usdc.file}`, stateRoot: usdc.stateRoot,
      proof: read(`proofs/mainnet-colibri/${usdc.file}`) },
  };
  for (const [name, c] of Object.entries(out.mpt)) {
    if (keccak256(c.proof.accountProof[0]) !== c.stateRoot) throw new Error(`${name}: first node does not hash to stateRoot`);
  }
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
  process.stderr.write(`bench: vectors not found at ${vectors}; the MPT benchmarks are skipped\n`);
}

const key = new SigningKey('0x' + '42'.repeat(32));
const digest = keccak256('0x' + Buffer.from('causeway benchmark').toString('hex'));
const sig = key.sign(digest);
out.secp256k1 = { key: key.privateKey, digest, r: sig.r, s: sig.s, v: sig.yParity, address: key.publicKey };
out.tx = {
  chainId: 10, nonce: 7, maxPriorityFeePerGas: '0x3b9aca00', maxFeePerGas: '0x2540be400', gasLimit: 21000,
  to: '0x' + '11'.repeat(20), value: '0xde0b6b3a7640000', data: '0x',
};
fs.writeFileSync(process.argv[2], JSON.stringify(out, null, 1));
