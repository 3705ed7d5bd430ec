// A claim behind a long-paused route's backlog, printed beside its limits: N messages (default
// 1,000,000) of route 901 -> 902 queued ahead of the ready messages of route 903 -> 902 (older
// run_at), the route paused with `causeway routes pause`; timed, the p50 of 21 claims of 100
// (claim_messages, as a worker at stage `observed` runs it) beside the p50 of the same claims with
// nothing queued ahead, the pause and the resume with the N queued, and the first claim after the
// resume (the paused route's oldest 100, in order).
// Usage: node bench/paused_claim.mjs CAUSEWAY_BIN DATABASE_URL   ($PAUSED_BENCH_MESSAGES: N)
// Runs in the schema causeway_paused_bench, dropped and recreated first (only one it made). Exit 1
// when a limit is missed or a claim takes what it should not.
import { execFileSync } from 'node:child_process';
import pg from 'pg';

const [bin, url] = process.argv.slice(2);
if (!bin || !url) {
  console.error('usage: node bench/paused_claim.mjs CAUSEWAY_BIN DATABASE_URL');
  process.exit(2);
}
const N = Number(process.env.PAUSED_BENCH_MESSAGES ?? 1_000_000);
const SCHEMA = 'causeway_paused_bench';
const MARK = 'bench/paused_claim.mjs: dropped and recreated by every run';
const CLAIMS = 21;
const BATCH = 100;
const PAUSED = [901, 902];
const READY = [903, 902];

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cli = (...args) =>
  execFileSync(bin, [...args, '--db', url, '--schema', SCHEMA, '--actor', 'bench'], { encoding: 'utf8' });
const problems = [];

const client = new pg.Client({ connectionString: url });
await client.connect();
const found = await client.query(
  "SELECT coalesce(obj_description(oid, 'pg_namespace'), '') AS mark FROM pg_namespace WHERE nspname = $1", [SCHEMA]);
if (found.rows.length && found.rows[0].mark !== MARK) {
  console.error(`paused_claim: schema ${SCHEMA} exists and was not made by this benchmark; not dropping it`);
  process.exit(2);
}
await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
await client.query(`CREATE SCHEMA ${SCHEMA}`);
await client.query(`COMMENT ON SCHEMA ${SCHEMA} IS '${MARK}'`);
cli('db', 'migrate');
await client.query(`SET search_path = ${SCHEMA}`);
// As Queue::claim runs claims at stage `observed`.
await client.query('SET synchronous_commit = off');

// Messages of one route, nonces 1..count, due `ago` before now and 1 us apart (in nonce order).
const fill = async ([origin, destination], count, ago) => {
  await client.query('INSERT INTO routes (origin, destination) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [origin, destination]);
  await client.query(
    `INSERT INTO messages (id, origin, destination, nonce, sender, recipient, body, amount,
                           source_block_number, source_block_hash, log_index, run_at)
     SELECT sha256(($1::text || '-' || i)::bytea), $2, $3, i, sha256('sender'::bytea), sha256('recipient'::bytea),
            sha256('recipient'::bytea) || sha256(i::text::bytea) || '\\x01'::bytea || sha256('n'::bytea)
              || sha256('a'::bytea),
            i, 1000 + i / 100, sha256(('block' || i / 100)::bytea), i % 100,
            now() - $4::interval + i * interval '1 microsecond'
       FROM generate_series(1, $5::integer) i`,
    [`${origin}-${destination}`, origin, destination, ago, count]);
  await client.query('VACUUM (ANALYZE) messages');
};

// CLAIMS claims of BATCH, timed; each must take BATCH messages of `route`, oldest first.
const claims = async (route, count = CLAIMS) => {
  const times = [];
  for (let c = 0; c < count; ++c) {
    const t0 = process.hrtime.bigint();
    const r = await client.query(
      "SELECT origin, destination, nonce FROM claim_messages('observed', $1, 'bench', '10 minutes') ORDER BY seq",
      [BATCH]);
    times.push(ms(t0));
    const wrong = r.rows.filter((m) => Number(m.origin) !== route[0] || Number(m.destination) !== route[1]);
    if (r.rows.length !== BATCH || wrong.length) {
      problems.push(`a claim took ${r.rows.length} messages, ${wrong.length} of them not of ${route.join('->')}`);
    }
    if (count === 1) return { ms: times[0], nonces: r.rows.map((m) => Number(m.nonce)) };
  }
  return median(times);
};

console.log(`bench: paused backlog, claims of ${BATCH} with nothing queued ahead`);
await fill(READY, 2 * CLAIMS * BATCH, '1 second');
const alone = await claims(READY);
console.log(`bench: paused backlog, ${N.toLocaleString('en')} messages of ${PAUSED.join(' -> ')} queued ahead`);
await fill(PAUSED, N, '1 hour');
let t0 = process.hrtime.bigint();
cli('routes', 'pause', '--origin', String(PAUSED[0]), '--destination', String(PAUSED[1]), '--reason', 'bench');
const pause = ms(t0);
const behind = await claims(READY);
t0 = process.hrtime.bigint();
cli('routes', 'resume', '--origin', String(PAUSED[0]), '--destination', String(PAUSED[1]), '--reason', 'bench');
const resume = ms(t0);
const after = await claims(PAUSED, 1);
if (after.nonces.some((n, i) => n !== i + 1)) problems.push('the first claim after the resume was not the oldest, in order');
await client.end();

const f = (x) => `${x.toFixed(1)} ms`;
const rows = [
  ['claim p50, nothing queued ahead', f(alone), undefined, ''],
  [`claim p50, ${N.toLocaleString('en')} paused ahead`, f(behind), behind <= 2 * alone,
    `<= 2x the claim with nothing ahead (${f(2 * alone)})`],
  // Seconds, as an incident needs; rewriting the backlog's rows would take longer.
  [`pause, ${N.toLocaleString('en')} queued (routes pause)`, f(pause), pause <= 5000, '<= 5,000 ms'],
  [`resume, ${N.toLocaleString('en')} queued (routes resume)`, f(resume), resume <= 5000, '<= 5,000 ms'],
  ['first claim after the resume', f(after.ms), undefined, `the paused route's oldest ${BATCH}, in order`],
];
console.log(JSON.stringify({ messages: N, batch: BATCH, claims: CLAIMS, claim_alone_p50_ms: alone,
  claim_behind_p50_ms: behind, pause_ms: pause, resume_ms: resume, claim_after_resume_ms: after.ms }));
// The pause and resume are the whole command: it lists the routes with their queued counts before
// and after, which reads the queue, most of its time here; the pause itself writes the route's
// row and the audit log.
console.log(`\nclaim behind a paused backlog (batch ${BATCH}, p50 of ${CLAIMS}; pause and resume: the whole command)`);
console.log(`${'measure'.padEnd(44)}${'causeway'.padEnd(12)}limit`);
let missed = 0;
for (const [label, value, ok, limit] of rows) {
  if (ok === false) missed++;
  console.log(`${label.padEnd(44)}${value.padEnd(12)}${ok === undefined ? limit : `${limit} ${ok ? 'met' : 'MISSED'}`}`);
}
for (const p of problems) console.log(`paused_claim: ${p}`);
process.exitCode = missed || problems.length ? 1 : 0;
