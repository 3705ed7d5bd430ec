// Random transactions signed by ethers v6: legacy (with and without EIP-155), EIP-2930, EIP-1559.
// Usage: node tx_reference.mjs SEED COUNT -> JSON [{key, tx{...}, unsigned, signed, hash, from}].
import { Transaction, SigningKey, computeAddress, hexlify } from 'ethers';
import { prng, hex } from './prng.mjs';

const [seed, count] = process.argv.slice(2).map(Number);
const r = prng(seed);

const quantity = (maxBytes) => {
  const n = r.int(maxBytes + 1);
  const b = r.bytes(n);
  return BigInt(n === 0 ? 0 : hex(b));
};

function randomKey() {
  for (;;) {
    const k = r.bytes(32);
    try {
      return new SigningKey(hex(k));
    } catch {
      // out of range: draw again
    }
  }
}

const out = [];
for (let i = 0; i < count; i++) {
  const key = randomKey();
  const type = r.int(4); // 0: pre-155 legacy, 1: EIP-155 legacy, 2: EIP-2930, 3: EIP-1559
  const fields = {
    type: type <= 1 ? 0 : type - 1,
    nonce: Number(quantity(6)),
    gasLimit: quantity(8),
    to: r.next() < 0.1 ? null : hex(r.bytes(20)),
    value: quantity(32),
    data: hex(r.bytes(r.size() % 600)),
    chainId: type === 0 ? 0n : BigInt(1 + Number(quantity(6))),
  };
  if (fields.type === 2) {
    fields.maxFeePerGas = quantity(16);
    const tip = quantity(16);
    fields.maxPriorityFeePerGas = tip > fields.maxFeePerGas ? fields.maxFeePerGas : tip;
  } else {
    fields.gasPrice = quantity(16);
  }
  if (fields.type >= 1) {
    fields.accessList = Array.from({ length: r.int(4) }, () => ({
      address: hex(r.bytes(20)),
      storageKeys: Array.from({ length: r.int(4) }, () => hex(r.bytes(32))),
    }));
  }
  const tx = Transaction.from(fields);
  const unsigned = tx.unsignedSerialized;
  tx.signature = key.sign(tx.unsignedHash);
  const json = {};
  for (const [k, v] of Object.entries(fields)) json[k] = typeof v === 'bigint' ? '0x' + v.toString(16) : v;
  out.push({
    key: key.privateKey,
    eip155: type === 1,
    tx: json,
    unsigned,
    signed: tx.serialized,
    hash: tx.hash,
    from: computeAddress(key.publicKey).toLowerCase(),
  });
}
process.stdout.write(JSON.stringify(out));
