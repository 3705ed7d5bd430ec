// End-to-end relay benchmarks on the devnet (block time 1 s), printed beside their limits:
//  - delivered messages per second at batch sizes 1, 10 and 100 for N messages 901 -> 902, beside
//    the destination's gas-bound ceiling (block gas limit / gas per delivered message / block time);
//    the route is paused while the N are dispatched and signed, then resumed: what is timed is the
//    relayer's part, not the validators' finality wait;
//  - dispatch-to-delivery latency p50 and p99 for M messages sent at a steady rate, with what
//    causeway adds on top of the finality wait (delivery after the second of three signatures);
//  - the relayer's resident memory after 1,000 and after N delivered messages.
// Usage: node bench/relay.mjs CAUSEWAY_BIN OUT_DIR   ($RELAY_BENCH_MESSAGES: N, default 10000;
// $RELAY_BENCH_LATENCY_MESSAGES: M, default 300; $RELAY_BENCH_BATCHES: "1,10,100", "" for the latency
// alone)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const [bin, outDir] = process.argv.slice(2);
const N = Number(process.env.RELAY_BENCH_MESSAGES ?? 10000);
const M = Number(process.env.RELAY_BENCH_LATENCY_MESSAGES ?? 300);
const batches = (process.env.RELAY_BENCH_BATCHES ?? '1,10,100').split(',').filter(Boolean).map(Number);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cli = (...args) => execFileSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 28 });

async function rpc(url, method, params = []) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const j = await r.json();
  if (j.error) throw new Error(`${method}: ${j.error.message}`);
  return j.result;
}

function rssKiB(pid) {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return Number(line.split(/\s+/)[1]);
  } catch { return NaN; }
}

async function waitSigned(manifest, index, limitMs) {
  const start = Date.now();
  for (const v of manifest.validators) {
    for (;;) {
      try {
        const r = await fetch(`${v.api}/checkpoints/901/latest`);
        if (r.status === 200 && (await r.json()).index >= index) break;
      } catch {}
      if (Date.now() - start > limitMs) throw new Error(`${v.name} has not signed index ${index}`);
      await sleep(500);
    }
  }
}

function up(dir, batch) {
  try { cli('devnet', 'down', '--dir', dir); } catch {}
  cli('devnet', 'up', '--dir', dir, '--json');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  for (const r of manifest.relayers) {
    const file = path.join(dir, 'config', `${r.name}.yaml`);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/batch_size: \d+/, `batch_size: ${batch}`));
    cli('devnet', 'restart', '--dir', dir, r.name);
  }
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
}

async function throughput(batch) {
  const dir = path.join(outDir, `relay-devnet-${batch}`);
  const manifest = up(dir, batch);
  const db = new pg.Client({ connectionString: manifest.postgres.url });
  await db.connect();
  const l2b = manifest.chains.find((c) => c.chain_id === 902).rpc;
  const url = manifest.postgres.url;
  cli('routes', 'pause', '--db', url, '--origin', '901', '--destination', '902', '--actor', 'bench', '--reason', 'load');
  cli('devnet', 'move-margin', '--dir', dir, '--from', '901', '--to', '902', '--amount', '1', '--count', String(N), '--json');
  await waitSigned(manifest, N - 1, 30 * 60 * 1000);
  const pids = manifest.relayers.map((r) => r.pid);
  const delivered = async () => Number((await db.query(
    'SELECT count(*) FROM causeway.messages_history WHERE origin = 901')).rows[0].count);
  const t0 = Date.now();
  cli('routes', 'resume', '--db', url, '--origin', '901', '--destination', '902', '--actor', 'bench', '--reason', 'go');
  let rss1k = null;
  let n = 0;
  while ((n = await delivered()) < N) {
    if (rss1k === null && n >= 1000) rss1k = pids.map(rssKiB);
    if (Date.now() - t0 > 30 * 60 * 1000) throw new Error(`only ${n} of ${N} delivered`);
    await sleep(200);
  }
  const seconds = (Date.now() - t0) / 1000;
  const rssN = pids.map(rssKiB);
  // Gas per delivered message from the mined delivery transactions' receipts.
  const txs = (await db.query("SELECT encode(tx_hash, 'hex') AS h, cardinality(message_ids) AS n FROM causeway.tx_attempts WHERE status = 'mined'")).rows;
  let gas = 0;
  let msgs = 0;
  const perBlock = new Map();  // block number -> messages delivered in it
  for (const t of txs) {
    const r = await rpc(l2b, 'eth_getTransactionReceipt', ['0x' + t.h]);
    gas += Number(BigInt(r.gasUsed));
    msgs += Number(t.n);
    const b = Number(BigInt(r.blockNumber));
    perBlock.set(b, (perBlock.get(b) ?? 0) + Number(t.n));
  }
  const block = await rpc(l2b, 'eth_getBlockByNumber', ['latest', false]);
  const gasLimit = Number(BigInt(block.gasLimit));
  const perMessage = gas / msgs;
  const ceiling = gasLimit / perMessage / manifest.block_time_s;
  // Where the time went: blocks from the first delivery to the last, how full each was, and the
  // seconds before the first delivery block and after the last one (confirmations, bookkeeping).
  const numbers = [...perBlock.keys()].sort((x, y) => x - y);
  const first = numbers[0];
  const last = numbers[numbers.length - 1];
  const stamp = async (n) => Number(BigInt((await rpc(l2b, 'eth_getBlockByNumber', ['0x' + n.toString(16), false])).timestamp));
  const firstAt = await stamp(first);
  const lastAt = await stamp(last);
  const counts = [];
  for (let b = first; b <= last; ++b) counts.push(perBlock.get(b) ?? 0);
  const blocks = { first, last, span: last - first + 1, empty: counts.filter((c) => c === 0).length,
                   max: Math.max(...counts), counts,
                   before_first_s: firstAt - t0 / 1000, after_last_s: (t0 / 1000 + seconds) - lastAt };
  await db.end();
  cli('devnet', 'down', '--dir', dir);
  // Delivered on chain: from the resume to the block that delivered the last of the N.
  const chainSeconds = lastAt - t0 / 1000;
  return { batch, messages: N, seconds, rate: N / seconds, gas_per_message: perMessage, block_gas_limit: gasLimit,
           ceiling, ratio: N / seconds / ceiling, chain_seconds: chainSeconds, chain_rate: N / chainSeconds,
           chain_ratio: N / chainSeconds / ceiling, transactions: txs.length, rss_1k_kib: rss1k, rss_n_kib: rssN, blocks };
}

async function latency() {
  const dir = path.join(outDir, 'relay-devnet-latency');
  const manifest = up(dir, 100);
  const db = new pg.Client({ connectionString: manifest.postgres.url });
  await db.connect();
  // M messages, 10 per second, each its own move.
  const sent = [];
  for (let i = 0; i < M; i += 10) {
    const t = Date.now();
    const out = JSON.parse(cli('devnet', 'move-margin', '--dir', dir, '--from', '901', '--to', '902', '--amount', '1',
      '--count', String(Math.min(10, M - i)), '--json'));
    for (const m of out.messages) sent.push({ id: m.id, index: m.index, at: t });
    await sleep(Math.max(0, 1000 - (Date.now() - t)));
  }
  const start = Date.now();
  let rows = [];
  while (Date.now() - start < 10 * 60 * 1000) {
    rows = (await db.query("SELECT '0x' || encode(id, 'hex') AS id, extract(epoch FROM delivered_at) * 1000 AS at,"
      + " extract(epoch FROM verified_at) * 1000 AS verified, extract(epoch FROM submitted_at) * 1000 AS submitted"
      + " FROM causeway.messages_history WHERE origin = 901")).rows;
    if (rows.length >= M) break;
    await sleep(500);
  }
  const deliveredAt = new Map(rows.map((r) => [r.id, Number(r.at)]));
  const stepsOf = new Map(rows.map((r) => [r.id, { verified: Number(r.verified), submitted: Number(r.submitted) }]));
  const signedAt = new Map();
  for (let v = 1; v <= 3; ++v) {
    for (const r of (await db.query(`SELECT idx, extract(epoch FROM signed_at) * 1000 AS at FROM validator_${v}.signed_checkpoints WHERE origin = 901`)).rows) {
      const list = signedAt.get(Number(r.idx)) ?? [];
      list.push(Number(r.at));
      signedAt.set(Number(r.idx), list);
    }
  }
  const total = [];
  const finality = [];
  const added = [];
  // What causeway adds, step by step: signatures collected and simulated (verified), broadcast
  // (submitted), mined and recorded (delivered).
  const toVerified = [];
  const toSubmitted = [];
  const toDelivered = [];
  for (const s of sent) {
    const d = deliveredAt.get(s.id);
    const sig = (signedAt.get(s.index) ?? []).sort((a, b) => a - b)[1];
    if (d === undefined || sig === undefined) continue;
    total.push((d - s.at) / 1000);
    finality.push((sig - s.at) / 1000);
    added.push((d - sig) / 1000);
    const steps = stepsOf.get(s.id);
    toVerified.push((steps.verified - sig) / 1000);
    toSubmitted.push((steps.submitted - steps.verified) / 1000);
    toDelivered.push((d - steps.submitted) / 1000);
  }
  const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
  await db.end();
  cli('devnet', 'down', '--dir', dir);
  return { messages: M, measured: total.length,
           total_p50: pct(total, 0.5), total_p99: pct(total, 0.99),
           finality_p50: pct(finality, 0.5), finality_p99: pct(finality, 0.99),
           added_p50: pct(added, 0.5), added_p99: pct(added, 0.99),
           steps_p50: { verified: pct(toVerified, 0.5), submitted: pct(toSubmitted, 0.5), delivered: pct(toDelivered, 0.5) } };
}

fs.mkdirSync(outDir, { recursive: true });
const results = { throughput: [], latency: null };
let failed = false;
for (const b of batches) {
  console.log(`bench: relay ${N} messages 901 -> 902 at batch ${b} (route paused while they are dispatched and signed)`);
  const r = await throughput(b);
  results.throughput.push(r);
}
console.log(`bench: relay latency, ${M} messages at 10 per second`);
results.latency = await latency();
fs.writeFileSync(path.join(outDir, 'relay.json'), JSON.stringify(results, null, 2));

const f = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(d));
console.log('\nend-to-end relay (devnet, block time 1 s): from the resume to the relayer recording every delivery,');
console.log('and to the destination block that delivered the last message ("on chain")');
console.log('batch  messages  seconds  delivered/s  ratio  on chain s  delivered/s  ratio  gas/message  ceiling/s  target');
for (const r of results.throughput) {
  const target = r.batch === 100 ? '>= 0.80' : '-';
  if (r.batch === 100 && r.ratio < 0.8) failed = true;
  console.log(`${String(r.batch).padStart(5)}  ${String(r.messages).padStart(8)}  ${f(r.seconds).padStart(7)}  ${f(r.rate).padStart(11)}  ${f(r.ratio, 2).padStart(5)}`
    + `  ${f(r.chain_seconds).padStart(10)}  ${f(r.chain_rate).padStart(11)}  ${f(r.chain_ratio, 2).padStart(5)}`
    + `  ${f(r.gas_per_message, 0).padStart(11)}  ${f(r.ceiling).padStart(9)}  ${target}`);
}
for (const r of results.throughput) {
  const b = r.blocks;
  console.log(`batch ${r.batch}: delivered in blocks ${b.first}-${b.last} (${b.span} blocks, ${b.empty} without a delivery,`
    + ` at most ${b.max} messages in one); first delivery block ${f(b.before_first_s)} s after resume, all confirmed`
    + ` ${f(b.after_last_s)} s after the last`);
}
const l = results.latency;
console.log(`latency (${l.measured} of ${l.messages} messages): dispatch -> delivery p50 ${f(l.total_p50, 2)} s, p99 ${f(l.total_p99, 2)} s;`
  + ` finality wait (2 of 3 signed) p50 ${f(l.finality_p50, 2)} s, p99 ${f(l.finality_p99, 2)} s;`
  + ` causeway adds p50 ${f(l.added_p50, 2)} s (limit 1 s), p99 ${f(l.added_p99, 2)} s (limit 3 s)`);
console.log(`  of which, p50: signatures collected and simulated ${f(l.steps_p50.verified, 2)} s, broadcast ${f(l.steps_p50.submitted, 2)} s,`
  + ` mined and recorded ${f(l.steps_p50.delivered, 2)} s`);
if (l.added_p50 > 1 || l.added_p99 > 3) failed = true;
for (const r of results.throughput) {
  const growth = r.rss_1k_kib && r.rss_n_kib ? r.rss_n_kib.map((v, i) => v / r.rss_1k_kib[i] - 1) : [];
  console.log(`relayer memory at batch ${r.batch}: after 1,000 ${JSON.stringify(r.rss_1k_kib)} KiB, after ${r.messages} ${JSON.stringify(r.rss_n_kib)} KiB`
    + ` (growth ${growth.map((g) => (g * 100).toFixed(1) + '%').join(', ')}; limit 20%)`);
  if (growth.some((g) => g > 0.2)) failed = true;
}
process.exit(failed ? 1 : 0);
