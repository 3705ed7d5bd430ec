// The queue benchmark's table: causeway's runs against graphile-worker's on the same cluster,
// best run of each, with the targets of the queue issue.
// Usage: node bench/queue_report.mjs OURS.jsonl PEER.jsonl
import fs from 'node:fs';

const lines = (file) =>
  fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
const ours = lines(process.argv[2]);
const peers = lines(process.argv[3]);
if (!ours.length || !peers.length) {
  console.error('queue report: missing results');
  process.exit(1);
}
const best = (runs) => runs.reduce((a, b) => (b.per_second > a.per_second ? b : a));
const a = best(ours);
const b = best(peers);

for (const r of ours) console.log(`causeway       ${JSON.stringify(r)}`);
for (const r of peers) console.log(`graphile-worker ${JSON.stringify({ ...r, config: undefined })}`);
console.log(`graphile-worker config: ${JSON.stringify(b.config)}`);

const ratio = a.per_second / b.per_second;
const worst_notify = Math.max(...ours.map((r) => r.notify_p99_ms));
const rows = [
  ['messages/s, enqueue to complete', `${a.per_second}`, `${b.per_second}`, `${ratio.toFixed(2)}x`, ratio >= 10, '>= 10x graphile-worker'],
  ['messages/s, absolute', `${a.per_second}`, '', '', a.per_second >= 20000, '>= 20,000/s'],
  ['NOTIFY wake-up p99', `${worst_notify} ms`, '', '', worst_notify <= 10, '<= 10 ms'],
  ['claim to complete p50 / p99', `${a.p50_ms} / ${a.p99_ms} ms`, '', '', undefined, ''],
  ['enqueue to work p50 / p99 (*)', `${a.enqueue_to_complete_p50_ms} / ${a.enqueue_to_complete_p99_ms} ms`, `${b.p50_ms} / ${b.p99_ms} ms`, '', undefined, ''],
];
const pad = (s, n) => String(s).padEnd(n);
console.log();
console.log(`${pad('queue', 34)}${pad('causeway', 24)}${pad('graphile-worker', 24)}${pad('ratio', 9)}target`);
let missed = 0;
for (const [label, x, y, r, ok, target] of rows) {
  const verdict = ok === undefined ? '' : `${target} ${ok ? 'met' : 'MISSED'}`;
  if (ok === false) missed++;
  console.log(`${pad(label, 34)}${pad(x, 24)}${pad(y, 24)}${pad(r, 9)}${verdict}`);
}
console.log(`(*) causeway: enqueue to delivery committed; graphile-worker: ${b.latency}`);
process.exitCode = missed ? 1 : 0;
