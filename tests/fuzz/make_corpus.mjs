// Builds the libFuzzer seed corpora from the shared test vectors (node built-ins only).
//
//   node tests/fuzz/make_corpus.mjs <vectors-dir> <corpus-dir> <dict-dir>
//
// Writes <corpus-dir>/<target>/<sha1 of content> for rlp_decode_fuzz, hex_parse_fuzz, tx_decode_fuzz,
// abi_decode_fuzz, header_decode_fuzz and the light-client fuzzers, and libFuzzer dictionaries to
// <dict-dir>/<target>.dict. Seeds only steer the fuzzer towards deep code paths, so a source that is
// missing or malformed is skipped with a note rather than failing the run; a missing vectors folder
// gives empty corpora.
// Prints "<target> <n> seeds" per target.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [vectorsArg, corpusArg, dictArg] = process.argv.slice(2);
if (!vectorsArg || !corpusArg || !dictArg) {
    console.error('usage: make_corpus.mjs <vectors-dir> <corpus-dir> <dict-dir>');
    process.exit(2);
}
const VECTORS = path.resolve(vectorsArg);

// Caps keep the initial corpus pass short: libFuzzer runs every seed once before mutating, and the
// thousands of random ethers transactions add little coverage after the first few hundred.
const MAX_ETHERS_TXS = 400;
const MAX_HEX_STRINGS_PER_FILE = 40;
const MAX_SEED_BYTES = 64 * 1024;

// ----- output -----

const corpora = {
    rlp_decode_fuzz: new Map(),
    hex_parse_fuzz: new Map(),
    tx_decode_fuzz: new Map(),
    abi_decode_fuzz: new Map(),
    header_decode_fuzz: new Map(),
    checkpoint_metadata_fuzz: new Map(),
    trie_proof_fuzz: new Map(),
};

function add(target, bytes) {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    if (buf.length > MAX_SEED_BYTES) return;
    corpora[target].set(createHash('sha1').update(buf).digest('hex'), buf);
}

// ----- reading vectors -----

const notes = [];

function vectorPath(relative) { return path.join(VECTORS, relative); }

function readVector(relative) {
    const file = vectorPath(relative);
    let data = fs.readFileSync(file);
    if (file.endsWith('.gz')) data = zlib.gunzipSync(data);
    return data;
}

function readJson(relative) { return JSON.parse(readVector(relative).toString('utf8')); }

// Runs one seed source; a missing or malformed file only costs its seeds.
function source(name, fn) {
    try {
        fn();
    } catch (e) {
        notes.push(`skipped ${name}: ${e.code === 'ENOENT' ? 'not found' : e.message}`);
    }
}

function listFiles(relative, predicate) {
    const out = [];
    const walk = (dir) => {
        let entries;
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
            return;
        }
        for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) walk(p);
            else if (predicate(e.name)) out.push(path.relative(VECTORS, p));
        }
    };
    walk(vectorPath(relative));
    return out;
}

// Every value in a JSON tree, depth first, with the key it was found under.
function* walkJson(value, key = null) {
    yield [key, value];
    if (Array.isArray(value)) {
        for (const v of value) yield* walkJson(v, key);
    } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) yield* walkJson(v, k);
    }
}

// The JSON objects in a hive .io transcript ('>> request' and '<< response' lines).
function readIo(relative) {
    return readVector(relative)
        .toString('utf8')
        .split('\n')
        .filter((l) => l.startsWith('>> ') || l.startsWith('<< '))
        .map((l) => JSON.parse(l.slice(3)));
}

const HEX_RE = /^(0x)?([0-9a-fA-F]{2})*$/;

// Hex text (with or without 0x) to bytes, or null when it is not whole-byte hex.
function hexBytes(text) {
    if (typeof text !== 'string' || !HEX_RE.test(text)) return null;
    return Buffer.from(text.startsWith('0x') ? text.slice(2) : text, 'hex');
}

// ----- RLP encoding (for transactions given as JSON fields) -----

function rlpLength(n, offset) {
    if (n < 56) return Buffer.from([offset + n]);
    let hex = n.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    const len = Buffer.from(hex, 'hex');
    return Buffer.concat([Buffer.from([offset + 55 + len.length]), len]);
}

function rlpEncode(item) {
    if (Array.isArray(item)) {
        const payload = Buffer.concat(item.map(rlpEncode));
        return Buffer.concat([rlpLength(payload.length, 0xc0), payload]);
    }
    if (item.length === 1 && item[0] < 0x80) return item;
    return Buffer.concat([rlpLength(item.length, 0x80), item]);
}

// A JSON-RPC quantity ("0x1a", "0x0") as a minimal big-endian RLP integer.
function quantity(text) {
    let n = BigInt(text);
    const bytes = [];
    while (n > 0n) {
        bytes.unshift(Number(n & 0xffn));
        n >>= 8n;
    }
    return Buffer.from(bytes);
}

// Splits concatenated top-level RLP items (chain.rlp).
function splitRlp(buf) {
    const items = [];
    let pos = 0;
    while (pos < buf.length) {
        const b = buf[pos];
        let size;
        if (b < 0x80) size = 1;
        else if (b <= 0xb7) size = 1 + b - 0x80;
        else if (b < 0xc0) size = 1 + (b - 0xb7) + buf.readUIntBE(pos + 1, b - 0xb7);
        else if (b <= 0xf7) size = 1 + b - 0xc0;
        else size = 1 + (b - 0xf7) + buf.readUIntBE(pos + 1, b - 0xf7);
        items.push(buf.subarray(pos, pos + size));
        pos += size;
    }
    return items;
}

// ----- ABI encoding (for generated seeds) -----

// Parses a canonical type string into {kind, size, components}.
function parseAbiType(text) {
    let pos = 0;
    const parse = () => {
        let t;
        if (text[pos] === '(') {
            ++pos;
            const components = [parse()];
            while (text[pos] === ',') {
                ++pos;
                components.push(parse());
            }
            if (text[pos++] !== ')') throw new Error(`bad type ${text}`);
            t = { kind: 'tuple', components };
        } else {
            const m = /^([a-z]+)(\d*)/.exec(text.slice(pos));
            pos += m[0].length;
            t = { kind: m[1], size: m[2] ? Number(m[2]) : 0 };
            if (t.kind === 'bytes' && t.size) t.kind = 'bytesN';
        }
        while (text[pos] === '[') {
            const close = text.indexOf(']', pos);
            const n = text.slice(pos + 1, close);
            t = n ? { kind: 'fixed', size: Number(n), element: t } : { kind: 'array', element: t };
            pos = close + 1;
        }
        return t;
    };
    const types = [parse()];
    while (text[pos] === ',') {
        ++pos;
        types.push(parse());
    }
    return types;
}

function isDynamic(t) {
    if (t.kind === 'bytes' || t.kind === 'string' || t.kind === 'array') return true;
    if (t.kind === 'fixed') return isDynamic(t.element);
    if (t.kind === 'tuple') return t.components.some(isDynamic);
    return false;
}

function word(n) {
    const w = Buffer.alloc(32);
    let v = BigInt.asUintN(256, BigInt(n));
    for (let i = 31; i >= 0 && v > 0n; --i, v >>= 8n) w[i] = Number(v & 0xffn);
    return w;
}

function padRight(buf) {
    return Buffer.concat([buf, Buffer.alloc((32 - (buf.length % 32)) % 32)]);
}

function abiSequence(types, values) {
    const heads = [];
    const tails = [];
    let headSize = 0;
    for (const t of types) headSize += isDynamic(t) ? 32 : abiEncode(t, zeroOf(t)).length;
    let tailSize = 0;
    types.forEach((t, i) => {
        const enc = abiEncode(t, values[i]);
        if (isDynamic(t)) {
            heads.push(word(headSize + tailSize));
            tails.push(enc);
            tailSize += enc.length;
        } else {
            heads.push(enc);
        }
    });
    return Buffer.concat([...heads, ...tails]);
}

// A value of a static type, only to measure its head.
function zeroOf(t) {
    if (t.kind === 'fixed') return Array(t.size).fill(zeroOf(t.element));
    if (t.kind === 'tuple') return t.components.map(zeroOf);
    if (t.kind === 'bool') return false;
    if (t.kind === 'bytesN') return Buffer.alloc(t.size);
    return 0n;
}

function abiEncode(t, v) {
    switch (t.kind) {
        case 'uint':
        case 'int':
            return word(v);  // asUintN gives the two's complement of negative values
        case 'address':
            return word(BigInt(v));
        case 'bool':
            return word(v ? 1n : 0n);
        case 'bytesN':
            return padRight(Buffer.from(v));
        case 'bytes':
        case 'string': {
            const b = Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
            return Buffer.concat([word(b.length), padRight(b)]);
        }
        case 'array':
            return Buffer.concat([word(v.length), abiSequence(Array(v.length).fill(t.element), v)]);
        case 'fixed':
            return abiSequence(Array(t.size).fill(t.element), v);
        case 'tuple':
            return abiSequence(t.components, v);
    }
    throw new Error(`unknown kind ${t.kind}`);
}

function addAbi(types, data) {
    add('abi_decode_fuzz', Buffer.concat([Buffer.from(types, 'utf8'), Buffer.from([0]), data]));
}

function addAbiValues(types, values) { addAbi(types, abiSequence(parseAbiType(types), values)); }

// Guesses a type list for ABI data of unknown origin: a head word that looks like an offset to a
// length word becomes "bytes" when that many bytes and zero padding follow, else "uint256[]" when that
// many words follow; anything else is "uint256". Wrong guesses still make useful
// seeds (the fuzzer mutates the type text too).
function guessTypes(data) {
    const words = Math.floor(data.length / 32);
    let headEnd = words;
    const types = [];
    for (let i = 0; i < Math.min(words, headEnd, 16); ++i) {
        const v = BigInt('0x' + data.subarray(32 * i, 32 * i + 32).toString('hex'));
        const offset = Number(v);
        if (v % 32n === 0n && v >= BigInt(32 * (i + 1)) && offset + 32 <= data.length) {
            const len = Number(BigInt('0x' + data.subarray(offset, offset + 32).toString('hex')));
            const body = offset + 32;
            const padded = body + Math.ceil(len / 32) * 32;
            if (padded <= data.length && data.subarray(body + len, padded).every((b) => b === 0)) {
                types.push('bytes');
                headEnd = Math.min(headEnd, offset / 32);
                continue;
            }
            if (body + 32 * len <= data.length) {
                types.push('uint256[]');  // a length word followed by that many words
                headEnd = Math.min(headEnd, offset / 32);
                continue;
            }
        }
        types.push('uint256');
    }
    return types.join(',');
}

// ----- seeds: RLP -----

source('rlp/rlptest.json, invalidRLPTest.json, RandomRLPTests_example.json', () => {
    for (const f of ['rlp/rlptest.json', 'rlp/invalidRLPTest.json', 'rlp/RandomRLPTests_example.json']) {
        for (const c of Object.values(readJson(f))) {
            const b = hexBytes(c.out);
            if (b) add('rlp_decode_fuzz', b);
        }
    }
});

source('rlp/ethers/rlp.json.gz', () => {
    for (const c of readJson('rlp/ethers/rlp.json.gz')) add('rlp_decode_fuzz', hexBytes(c.encoded));
});

source('execution-apis-hive-chain/chain.rlp', () => {
    const chain = readVector('execution-apis-hive-chain/chain.rlp');
    for (const block of splitRlp(chain)) add('rlp_decode_fuzz', block);
});

source('execution-apis-hive-chain debug_getRaw*', () => {
    for (const dir of ['debug_getRawHeader', 'debug_getRawBlock', 'debug_getRawReceipts']) {
        for (const f of listFiles(`execution-apis-hive-chain/${dir}`, (n) => n.endsWith('.io'))) {
            for (const msg of readIo(f)) {
                for (const [, v] of walkJson(msg.result ?? null)) {
                    const b = hexBytes(v);
                    if (b && b.length > 0) add('rlp_decode_fuzz', b);
                }
            }
        }
    }
});

// Trie nodes from EIP-1186 proofs, and the genesis header RLP.
source('proofs/** and headers/** RLP nodes', () => {
    const json = (n) => n.endsWith('.json');
    const keys = new Set(['accountProof', 'proof', 'genesis_rlp_hex']);
    for (const f of [...listFiles('proofs', json), ...listFiles('headers', json)]) {
        for (const [key, v] of walkJson(readJson(f))) {
            if (keys.has(key) && typeof v === 'string') {
                const b = hexBytes(v);
                if (b && b.length > 0) add('rlp_decode_fuzz', b);
            }
        }
    }
});

// ----- seeds: transactions (also RLP seeds: legacy transactions are plain RLP lists) -----

function addTx(bytes) {
    if (!bytes || bytes.length === 0) return;
    add('tx_decode_fuzz', bytes);
    if (bytes[0] >= 0xc0) add('rlp_decode_fuzz', bytes);
    else add('rlp_decode_fuzz', bytes.subarray(1));  // a typed envelope's payload is one RLP list
}

source('tx/ethereum-tests', () => {
    for (const f of listFiles('tx/ethereum-tests', (n) => n.endsWith('.json'))) {
        for (const test of Object.values(readJson(f))) addTx(hexBytes(test.txbytes));
    }
});

source('tx/ethers/transactions.json.gz', () => {
    const forms = ['signedLegacy', 'signedEip155', 'signedBerlin', 'signedLondon', 'signedCancun'];
    for (const t of readJson('tx/ethers/transactions.json.gz').slice(0, MAX_ETHERS_TXS)) {
        for (const form of forms) addTx(hexBytes(t[form]));
    }
});

source('tx/ethereumjs', () => {
    for (const t of readJson('tx/ethereumjs/eip1559.json')) {
        // The network form wraps the typed envelope in an RLP string: keep both.
        const wrapped = hexBytes(t.signedTransactionRLP);
        add('tx_decode_fuzz', wrapped);
        add('rlp_decode_fuzz', wrapped);
        const [inner] = splitRlp(wrapped);
        const header = inner[0] <= 0xb7 ? 1 : 1 + (inner[0] - 0xb7);
        addTx(inner.subarray(header));
    }
    for (const [f, type] of [['tx/ethereumjs/eip2930txs.json', 1], ['tx/ethereumjs/eip1559txs.json', 2]]) {
        const toItem = (v) => (Array.isArray(v) ? v.map(toItem) : hexBytes(v));
        for (const t of readJson(f)) addTx(Buffer.concat([Buffer.from([type]), rlpEncode(toItem(t.raw))]));
    }
    for (const t of readJson('tx/ethereumjs/ttTransactionTestEip155VitaliksTests.json')) {
        addTx(hexBytes(t.rlp));
    }
});

source('secp256k1/ethereum-tests/txtest.json', () => {
    for (const t of readJson('secp256k1/ethereum-tests/txtest.json')) {
        addTx(hexBytes(t.signed));
        add('rlp_decode_fuzz', hexBytes(t.unsigned));
    }
});

source('execution-apis-hive-chain eth_sendRawTransaction, debug_getRawTransaction', () => {
    for (const dir of ['eth_sendRawTransaction', 'debug_getRawTransaction']) {
        for (const f of listFiles(`execution-apis-hive-chain/${dir}`, (n) => n.endsWith('.io'))) {
            for (const msg of readIo(f)) {
                if (msg.method === 'eth_sendRawTransaction') addTx(hexBytes(msg.params[0]));
                if (dir === 'debug_getRawTransaction' && typeof msg.result === 'string') {
                    addTx(hexBytes(msg.result));
                }
            }
        }
    }
});

// Real mainnet transactions, re-encoded from their JSON-RPC fields.
function encodeRpcTx(t) {
    const to = t.to ? hexBytes(t.to) : Buffer.alloc(0);
    const common = [quantity(t.gas), to, quantity(t.value), hexBytes(t.input)];
    const accessList = () =>
        (t.accessList ?? []).map((e) => [hexBytes(e.address), e.storageKeys.map(hexBytes)]);
    const sig = [quantity(t.r), quantity(t.s)];
    switch (Number(t.type ?? '0x0')) {
        case 0:
            return rlpEncode([quantity(t.nonce), quantity(t.gasPrice), ...common, quantity(t.v), ...sig]);
        case 1:
            return Buffer.concat([Buffer.from([1]), rlpEncode([quantity(t.chainId), quantity(t.nonce),
                quantity(t.gasPrice), ...common, accessList(), quantity(t.yParity ?? t.v), ...sig])]);
        case 2:
            return Buffer.concat([Buffer.from([2]), rlpEncode([quantity(t.chainId), quantity(t.nonce),
                quantity(t.maxPriorityFeePerGas), quantity(t.maxFeePerGas), ...common, accessList(),
                quantity(t.yParity ?? t.v), ...sig])]);
        default:
            return null;  // blob and set-code transactions: not decoded by core
    }
}

// ----- seeds: ABI -----

// Well-known selectors and event topics in the mainnet blocks and receipts below, with the types of
// their ABI-encoded arguments (non-indexed inputs for events). Checked against keccak256 of the
// signatures when this table was written.
const SELECTORS = {
    a9059cbb: 'address,uint256',                                 // transfer
    '095ea7b3': 'address,uint256',                               // approve
    '23b872dd': 'address,address,uint256',                       // transferFrom
    '3593564c': 'bytes,bytes[],uint256',                         // Universal Router execute
    '24856bc3': 'bytes,bytes[]',                                 // Universal Router execute
    a22cb465: 'address,bool',                                    // setApprovalForAll
    '5ae401dc': 'uint256,bytes[]',                               // multicall (deadline)
    ac9650d8: 'bytes[]',                                         // multicall
    '791ac947': 'uint256,uint256,address[],address,uint256',     // swapExactTokensForETHSupportingFee...
    '7ff36ab5': 'uint256,address[],address,uint256',             // swapExactETHForTokens
    '38ed1739': 'uint256,uint256,address[],address,uint256',     // swapExactTokensForTokens
    '18cbafe5': 'uint256,uint256,address[],address,uint256',     // swapExactTokensForETH
    fb3bdb41: 'uint256,address[],address,uint256',               // swapETHForExactTokens
    b6f9de95: 'uint256,address[],address,uint256',               // swapExactETHForTokensSupportingFee...
    '5c11d795': 'uint256,uint256,address[],address,uint256',     // swapExactTokensForTokensSupportingFee...
    '414bf389': '(address,address,uint24,address,uint256,uint256,uint256,uint160)',  // exactInputSingle
    c04b8d59: '(bytes,address,uint256,uint256,uint256)',         // exactInput
    '04e45aaf': '(address,address,uint24,address,uint256,uint256,uint160)',  // exactInputSingle (02)
    b858183f: '(bytes,address,uint256,uint256)',                 // exactInput (02)
    '2e1a7d4d': 'uint256',                                       // withdraw
    a0712d68: 'uint256',                                         // mint
    b88d4fde: 'address,address,uint256,bytes',                   // safeTransferFrom with data
    '42842e0e': 'address,address,uint256',                       // safeTransferFrom
    '5f575529': 'string,address,uint256,bytes',                  // MetaMask swap
    '2da03409': 'address,address',                               // flushForwarderTokens
    // Safe execTransaction
    '6a761202': 'address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes',
    '2e7ba6ef': 'uint256,address,uint256,bytes32[]',             // claim
};
const EVENTS = {
    ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef: 'uint256',  // Transfer
    '8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925': 'uint256',  // Approval
    '1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1': 'uint112,uint112',  // Sync
    // Uniswap V2 Swap
    d78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822: 'uint256,uint256,uint256,uint256',
    e1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c: 'uint256',  // Deposit
    '7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65': 'uint256',  // Withdrawal
    // Uniswap V3 Swap
    c42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67: 'int256,int256,uint160,uint128,int24',
    '17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31': 'bool',  // ApprovalForAll
    c3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62: 'uint256,uint256',  // TransferSingle
    // ERC-1155 TransferBatch
    '4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb': 'uint256[],uint256[]',
    '4c209b5fc8ad50758f13e2e1088ba56a560dff690a1c6fef26394f4c03821c4f': 'uint256,uint256',  // V2 Mint
    dccd412f0b1252819cb1fd330b93224ca42612892bb3f4f789976e6d81936496: 'uint256,uint256',  // V2 Burn
    '769f711d20c679153d382254f59892613b58a97cc876b249134ac25c80f9c814': 'bytes',  // Hyperlane Dispatch
};

function addCalldata(input) {
    if (!input || input.length < 4) return;
    const selector = input.subarray(0, 4).toString('hex');
    const args = input.subarray(4);
    addAbi(SELECTORS[selector] ?? guessTypes(args), args);
}

function addLog(log) {
    const data = hexBytes(log.data);
    if (!data || data.length === 0) return;
    const topic0 = log.topics?.[0]?.slice(2);
    addAbi(EVENTS[topic0] ?? guessTypes(data), data);
}

source('headers/** full transactions (tx and ABI calldata)', () => {
    for (const f of listFiles('headers', (n) => n.endsWith('.json'))) {
        for (const [key, v] of walkJson(readJson(f))) {
            const isTx = key === 'transactions' && v && typeof v === 'object' && !Array.isArray(v) && v.input;
            if (!isTx) continue;
            if (v.r && v.s) {
                const raw = encodeRpcTx(v);
                if (raw) addTx(raw);
            }
            addCalldata(hexBytes(v.input));
        }
    }
});

source('headers/mainnet/trin/receipts-*.json and hive receipts (ABI log data)', () => {
    const files = [
        ...listFiles('headers/mainnet/trin', (n) => n.startsWith('receipts-')),
    ];
    for (const f of files) {
        for (const [key, v] of walkJson(readJson(f))) if (key === 'logs' && v && v.data) addLog(v);
    }
    for (const f of listFiles('execution-apis-hive-chain', (n) => n.endsWith('.io'))) {
        for (const msg of readIo(f)) {
            for (const [key, v] of walkJson(msg)) {
                if (key === 'logs' && v && v.data) addLog(v);
                if (key === 'input' && typeof v === 'string') addCalldata(hexBytes(v));
            }
        }
    }
});

// Generated encodings of the Hyperlane vectors, in the shapes the relayer handles (message, merkle
// proof, checkpoint), plus one seed per type kind the real data lacks (negative intN, string,
// bytesN, fixed arrays, nested dynamic tuples).
source('hyperlane/*.json (generated ABI encodings)', () => {
    for (const m of readJson('hyperlane/message.json')) {
        addAbiValues('uint8,uint32,uint32,bytes32,uint32,bytes32,bytes', [BigInt(m.version), BigInt(m.nonce),
            BigInt(m.origin), hexBytes(m.sender), BigInt(m.destination), hexBytes(m.recipient),
            Buffer.from(m.body)]);
    }
    const p = readJson('hyperlane/proof.json');
    addAbiValues('bytes32,uint256,bytes32[32],bytes32', [hexBytes(p.proof.leaf), BigInt(p.proof.index),
        p.proof.path.map(hexBytes), hexBytes(p.root)]);
    for (const c of readJson('hyperlane/signedCheckpoint.json')) {
        const r = c.signature.r.slice(2).padStart(64, '0');
        const s = hexBytes(c.signature.s);
        const sig = Buffer.concat([Buffer.from(r, 'hex'), s, Buffer.from([c.signature.v])]);
        addAbiValues('(uint32,address,bytes32,uint32),bytes', [[BigInt(c.domain), BigInt(c.merkle_tree_hook),
            hexBytes(c.root), BigInt(c.index)], sig]);
    }
    for (const t of readJson('hyperlane/merkle.json')) {
        addAbiValues('string[],bytes32', [t.leaves.slice(0, 8), hexBytes(t.expectedRoot)]);
    }
});

source('generated ABI type mix', () => {
    addAbiValues('int8,int256,int24,uint8,bool,bytes1,bytes31,address', [-1n, -(2n ** 255n), -8388608n, 255n,
        true, Buffer.from([0x7f]), Buffer.alloc(31, 0xab), 0xdeadbeefn]);
    addAbiValues('string,bytes,string', ['hello, world', Buffer.alloc(33, 1), '']);
    addAbiValues('uint256[2][],(bool,string[])[2]',
        [[[1n, 2n], [3n, 4n]], [[true, ['a', 'bc']], [false, []]]]);
    addAbiValues('((uint8,bytes)[],int16[3])',
        [[[[7n, Buffer.from('xyz')], [8n, Buffer.alloc(0)]], [-2n, 0n, 2n]]]);
    addAbiValues('bytes[][]', [[[Buffer.from('a')], [], [Buffer.alloc(64, 0xff), Buffer.from('b')]]]);
    // Type text only (no NUL): the signature parsers.
    for (const text of ['transfer(address to, uint256 amount)', 'function f((uint8,bytes)[] xs)',
        'Transfer(address indexed from, address indexed to, uint256 value)',
        'event Dispatch(address indexed sender, uint32 indexed dest, bytes32 indexed to, bytes message)',
        'Anon(uint256 indexed a, bytes32 indexed b, bool indexed c, address indexed d) anonymous',
        'uint256[][3],(bytes32,string)[]']) {
        add('abi_decode_fuzz', Buffer.from(text, 'utf8'));
    }
});

// ----- seeds: block headers -----

// A JSON-RPC header object (or ethereumjs field names) as header RLP, in consensus field order.
const HEADER_FIELDS = [
    ['parentHash'], ['sha3Uncles', 'uncleHash'], ['miner', 'coinbase'], ['stateRoot'],
    ['transactionsRoot', 'transactionsTrie'], ['receiptsRoot', 'receiptTrie'], ['logsBloom', 'bloom'],
    ['difficulty', 'quantity'], ['number', 'quantity'], ['gasLimit', 'quantity'], ['gasUsed', 'quantity'],
    ['timestamp', 'quantity'], ['extraData'], ['mixHash'], ['nonce'],
];
const HEADER_OPTIONAL = [['baseFeePerGas', 'quantity'], ['withdrawalsRoot'], ['blobGasUsed', 'quantity'],
    ['excessBlobGas', 'quantity'], ['parentBeaconBlockRoot'], ['requestsHash']];
const HEADER_ALIASES = { sha3Uncles: 'uncleHash', miner: 'coinbase', transactionsRoot: 'transactionsTrie',
    receiptsRoot: 'receiptTrie', logsBloom: 'bloom' };

function headerRlp(o) {
    const value = (name) => o[name] ?? o[HEADER_ALIASES[name]];
    const field = ([name, kind]) => (kind === 'quantity' ? quantity(value(name)) : hexBytes(value(name)));
    const items = HEADER_FIELDS.map(field);
    for (const f of HEADER_OPTIONAL) {
        if (value(f[0]) === undefined || value(f[0]) === null) break;
        items.push(field(f));
    }
    if (items.some((i) => i === null)) return null;
    return rlpEncode(items);
}

function addHeader(bytes) {
    if (!bytes || bytes.length === 0) return;
    add('header_decode_fuzz', bytes);
}

source('execution-apis-hive-chain/chain.rlp (headers and uncles)', () => {
    for (const block of splitRlp(readVector('execution-apis-hive-chain/chain.rlp'))) {
        const header = block[0] <= 0xf7 ? 1 : 1 + (block[0] - 0xf7);
        const [h, , uncles] = splitRlp(block.subarray(header));
        addHeader(h);
        const u = uncles[0] <= 0xf7 ? 1 : 1 + (uncles[0] - 0xf7);
        for (const uncle of splitRlp(uncles.subarray(u))) addHeader(uncle);
    }
});

source('execution-apis-hive-chain debug_getRawHeader', () => {
    for (const f of listFiles('execution-apis-hive-chain/debug_getRawHeader', (n) => n.endsWith('.io'))) {
        for (const msg of readIo(f)) if (typeof msg.result === 'string') addHeader(hexBytes(msg.result));
    }
});

source('headers/mainnet/ethereum-tests/genesishashestest.json (genesis header)', () => {
    const block = hexBytes(readJson('headers/mainnet/ethereum-tests/genesishashestest.json').genesis_rlp_hex);
    const header = block[0] <= 0xf7 ? 1 : 1 + (block[0] - 0xf7);
    addHeader(splitRlp(block.subarray(header))[0]);
});

// Every JSON header object (eth_getBlockBy* results, fixtures' parent headers, ethereumjs blocks).
source('headers/, opstack/, arbitrum/, proofs/ JSON headers', () => {
    const json = (n) => n.endsWith('.json');
    for (const dir of ['headers', 'opstack', 'arbitrum', 'proofs']) {
        for (const f of listFiles(dir, json)) {
            for (const [, v] of walkJson(readJson(f))) {
                if (!v || typeof v !== 'object' || Array.isArray(v) || typeof v.parentHash !== 'string') continue;
                if (v.logsBloom === undefined && v.bloom === undefined) continue;
                addHeader(headerRlp(v));
            }
        }
    }
});

// ----- seeds: hex text -----

// Hex-looking strings from a spread of vector files (prefixed, bare, mixed case, every length).
source('hex strings', () => {
    const files = [
        'rlp/rlptest.json', 'rlp/invalidRLPTest.json', 'hyperlane/message.json',
        'hyperlane/signedCheckpoint.json', 'hyperlane/multisigIsmMessageIdCheckpoint.json',
        'secp256k1/geth/ecRecover.json', 'secp256k1/ethereum-tests/keyaddrtest.json',
        'secp256k1/ethereum-tests/txtest.json', 'secp256k1/ethers/accounts.json.gz',
        'arbitrum/arbitrum_one_headers.json', 'proofs/mainnet-helios/proof.json',
        'headers/mainnet/ethereumjs/infura15571241.json', 'tx/ethereumjs/eip1559txs.json',
    ];
    for (const f of files) {
        let n = 0;
        for (const [, v] of walkJson(readJson(f))) {
            if (typeof v !== 'string' || v.length === 0 || v.length > 300) continue;
            if (!/^(0[xX])?[0-9a-fA-F]*$/.test(v)) continue;
            add('hex_parse_fuzz', Buffer.from(v, 'utf8'));
            if (++n >= MAX_HEX_STRINGS_PER_FILE) break;
        }
    }
});

for (const text of ['', '0x', '0X', '0x0', '0xzz', 'ab', '0XaBcD', '0x' + '00'.repeat(32),
    '0x' + 'Ff'.repeat(20),
    '0x52908400098527886E0F7030069857D2E4169EE7', '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
    '0xde709f2102306220921060314715629080e2fb77', '0x27b1fdb04752bbc536007a920d24acb045561c26']) {
    add('hex_parse_fuzz', Buffer.from(text, 'utf8'));  // EIP-55 test addresses and edge cases
}

// ----- seeds: committee checkpoint metadata -----

// Message-id multisig metadata (bytes32 hook | bytes32 root | u32 index | 65-byte r,s,v signatures)
// built from the Hyperlane vectors: the Sealevel committee's signatures in the orders its tests use
// (the fuzzer verifies against that committee), and the legacy signed checkpoints' signatures.
function u32be(n) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
}

function checkpointMetadata(hook, root, index, signatures) {
    return Buffer.concat([hexBytes(hook), hexBytes(root), u32be(index), ...signatures]);
}

source('hyperlane/multisigIsmMessageIdCheckpoint.json (committee metadata)', () => {
    const v = readJson('hyperlane/multisigIsmMessageIdCheckpoint.json');
    const c = v.checkpoint;
    const [s0, s1, s2] = v.validators.map((x) => hexBytes(x.signature));
    const nv = hexBytes(v.non_validator.signature);
    for (const sigs of [[s0, s1], [s1, s0], [s0, s2, nv], [s0, s1, s2], [s0], [s0, s0], [nv, s1], []]) {
        add('checkpoint_metadata_fuzz', checkpointMetadata(c.merkle_tree_hook_address, c.root, c.index, sigs));
    }
});

source('hyperlane/signedCheckpoint.json (committee metadata)', () => {
    for (const c of readJson('hyperlane/signedCheckpoint.json')) {
        const r = Buffer.from(c.signature.r.slice(2).padStart(64, '0'), 'hex');
        const sig = Buffer.concat([r, hexBytes(c.signature.s), Buffer.from([c.signature.v])]);
        add('checkpoint_metadata_fuzz', checkpointMetadata(c.merkle_tree_hook, c.root, c.index, [sig]));
    }
});

// ----- seeds: trie proofs and trie contents -----

// trie_proof_fuzz proof mode: 0x01 | key length | key | nodes. Account proofs carry the address (the
// fuzzer proves keccak256(address) through verify_account), storage proofs the 32-byte slot.
function proofSeed(key, nodes) {
    const k = hexBytes(key);
    if (!k) return;
    add('trie_proof_fuzz', Buffer.concat([Buffer.from([0x01, k.length]), k, ...nodes.map(hexBytes)]));
}

function slot32(key) {
    return '0x' + BigInt(key).toString(16).padStart(64, '0');
}

function addEip1186(p) {
    if (!p || !Array.isArray(p.accountProof) || !p.address) return;
    proofSeed(p.address, p.accountProof);
    for (const s of p.storageProof || []) proofSeed(slot32(s.key), s.proof);
}

source('proofs/** eth_getProof results (trie proofs)', () => {
    for (const f of listFiles('proofs', (n) => n.endsWith('.json'))) {
        const doc = readJson(f);
        addEip1186(doc.result ?? doc);
        for (const c of doc.cases ?? []) addEip1186(c);
    }
    addEip1186(readJson('opstack/output_root_op-node_TestOutputAtBlock.json').accountProofResponse);
    for (const f of listFiles('execution-apis-hive-chain/eth_getProof', (n) => n.endsWith('.io'))) {
        for (const msg of readIo(f)) addEip1186(msg.result);
    }
});

// Trie mode: 0x00 | (key length | key | value length | value)*; key lengths 0..5, or 32 (0x80).
function trieSeed(entries) {
    const parts = [Buffer.from([0x00])];
    for (const [key, value] of entries) {
        const k = key.length === 32 ? key : key.subarray(0, 5);
        const v = value.subarray(0, 39);
        parts.push(Buffer.from([k.length === 32 ? 0x80 : k.length]), k, Buffer.from([v.length]), v);
    }
    add('trie_proof_fuzz', Buffer.concat(parts));
}

source('trie/*.json (trie contents)', () => {
    const text = (t) => (t === null ? Buffer.alloc(0) : t.startsWith('0x') ? hexBytes(t) : Buffer.from(t, 'utf8'));
    for (const f of ['trie/trietest.json', 'trie/trieanyorder.json', 'trie/hex_encoded_securetrie_test.json']) {
        for (const c of Object.values(readJson(f))) {
            const entries = Array.isArray(c.in) ? c.in : Object.entries(c.in);
            trieSeed(entries.map(([k, v]) => [text(k), text(v)]));
        }
    }
    // Secure-trie shape: 32-byte keys.
    const hashed = [];
    for (let i = 0; i < 24; i++) {
        hashed.push([createHash('sha256').update(String(i)).digest(), Buffer.from([i + 1, 0xaa, i])]);
    }
    trieSeed(hashed);
});

// ----- dictionaries -----

const dictionaries = {
    abi_decode_fuzz: ['uint256', 'uint8', 'int256', 'int8', 'address', 'bool', 'bytes', 'bytes32', 'bytes1',
        'string', '[]', '[2]', '(', ')', ',', ' indexed ', ' anonymous', 'function ', 'event ', '\\x00'],
    hex_parse_fuzz: ['0x', '0X'],
};

// ----- write -----

if (!fs.existsSync(VECTORS)) {
    console.log(`vectors not found at ${VECTORS} (set CAUSEWAY_VECTORS): built-in seeds only`);
}
for (const [target, seeds] of Object.entries(corpora)) {
    const dir = path.join(corpusArg, target);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, buf] of seeds) fs.writeFileSync(path.join(dir, name), buf);
    console.log(`${target} ${seeds.size} seeds`);
}
fs.mkdirSync(dictArg, { recursive: true });
for (const [target, tokens] of Object.entries(dictionaries)) {
    const lines = tokens.map((t) => `"${t.replace(/"/g, '\\"')}"`);
    fs.writeFileSync(path.join(dictArg, `${target}.dict`), lines.join('\n') + '\n');
}
if (fs.existsSync(VECTORS)) for (const n of notes) console.log(`note: ${n}`);
