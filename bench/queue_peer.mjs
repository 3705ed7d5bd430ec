// The peer of `causeway bench queue`: the same enqueue-to-complete measurement through
// graphile-worker 0.18.0 on the same PostgreSQL database. Prints one JSON line on stdout; logs go
// to stderr.
//
//   node bench/queue_peer.mjs --db URL --messages N --producers P --consumers C --batch B
//                             [--settings tuned|defaults]
//
// --settings defaults: graphile-worker as it comes (no local queue, each job completed by its own
// statement, maxPoolSize 10), with concurrentJobs C so that it runs as many jobs at once.
// --settings tuned (the default), from graphile-worker's own docs (https://worker.graphile.org/docs/performance, the
// option docs in dist/index.d.ts) and its perfTest harness:
//   concurrentJobs        C, as one worker pool in this process
//   maxPoolSize           max(10, C + 2): "we recommend setting it to `10` or `concurrentJobs + 2`,
//                         whichever is larger"
//   localQueue.size       max(500, C + 1): its fastest documented config uses 500; the option docs
//                         say "very high throughput and extremely fast tasks then a much higher
//                         number may make sense" than the `concurrentJobs + 1` starting point
//                         (larger sizes ran faster here once the backlog grew deep; the
//                         documented 500 is kept)
//   completeJobBatchDelay 0, failJobBatchDelay 0: as in that config; "we'd advise all users to
//                         enable these settings, even if they are set to `0` for minimal delay"
//   pollInterval          2000 (default): new jobs arrive by LISTEN/NOTIFY, polling only covers
//                         future-dated jobs and retries, which this run has none of
//   useNodeTime           false (default): Node and PostgreSQL share a clock here
//   preparedStatements    true (default): turning them off has "a minor performance penalty"
//   NO_LOG_SUCCESS        set, as its perfTest does, so no log line is built per job
//   producers             P connections of one WorkerUtils, each calling addJobs (the add_jobs
//                         SQL function) with B jobs at a time
import { EventEmitter } from 'node:events';
import { parseArgs } from 'node:util';

const VERSION = '0.18.0';
const TIMEOUT_MS = 300_000;
const TASK = 'noop';

const usage = `Usage: node bench/queue_peer.mjs --db URL --messages N --producers P --consumers C --batch B
                                [--settings tuned|defaults]

Measures enqueue-to-complete throughput of N no-op jobs through graphile-worker ${VERSION}:
P producers add jobs B at a time with addJobs while one worker pool with concurrency C runs them.
--settings tuned (default): its documented high-throughput settings (local queue, batched
completion); defaults: as it comes, with concurrentJobs C.
Drops and reinstalls the graphile_worker schema in the database at URL first.
Prints one JSON line on stdout; exits 1 if the jobs are not all complete within ${TIMEOUT_MS / 1000} s.
`;

function parseCli(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      messages: { type: 'string' },
      producers: { type: 'string' },
      consumers: { type: 'string' },
      batch: { type: 'string' },
      settings: { type: 'string', default: 'tuned' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  if (!values.db) throw new Error('--db is required');
  const int = (name) => {
    const s = values[name];
    if (s === undefined) throw new Error(`--${name} is required`);
    if (!/^[1-9][0-9]*$/.test(s) || !Number.isSafeInteger(Number(s))) {
      throw new Error(`--${name} must be a positive integer, not '${s}'`);
    }
    return Number(s);
  };
  if (!['tuned', 'defaults'].includes(values.settings)) {
    throw new Error(`--settings must be tuned or defaults, not '${values.settings}'`);
  }
  return {
    settings: values.settings,
    db: values.db,
    messages: int('messages'),
    producers: int('producers'),
    consumers: int('consumers'),
    batch: int('batch'),
  };
}

let args;
try {
  args = parseCli(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`queue_peer: ${e.message}\n\n${usage}`);
  process.exit(2);
}
const { db, messages: N, producers: P, consumers: C, batch: B, settings } = args;
const log = (msg) => process.stderr.write(`queue_peer: ${msg}\n`);

process.env.NO_LOG_SUCCESS = '1'; // read by graphile-worker when it loads, so import it afterwards
const { run, makeWorkerUtils, Logger } = await import('graphile-worker');
const { default: pg } = await import('pg');

// graphile-worker's warnings and errors go to stderr; its info and debug lines are dropped.
const logger = new Logger((scope) => (level, message) => {
  if (level === 'error' || level === 'warning') {
    process.stderr.write(`graphile-worker ${level} [${scope.label ?? 'core'}]: ${message}\n`);
  }
});

const common = {
  concurrentJobs: C,
  workerProcesses: 1,
  pollInterval: 2000,
  useNodeTime: false,
  preparedStatements: true,
  NO_LOG_SUCCESS: true,
  producers: P,
  producerPoolSize: P,
  batch: B,
  addJobs: 'WorkerUtils.addJobs (add_jobs SQL function)',
};
const config = settings === 'tuned'
  ? {
      settings,
      ...common,
      maxPoolSize: Math.max(10, C + 2),
      localQueue: { size: Math.max(500, C + 1) },
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
    }
  : // Its defaults: maxPoolSize 10, no local queue, completeJobBatchDelay / failJobBatchDelay -1 (off).
    { settings, ...common, maxPoolSize: 10 };

const baseWorker = {
  connectionString: db,
  logger,
  pollInterval: config.pollInterval,
  useNodeTime: config.useNodeTime,
  preparedStatements: config.preparedStatements,
};

// Latency: from just before the producer's addJobs call (the stamp in the payload) to the start of
// the task, as graphile-worker's own latency test measures it. Its `job:complete` event fires right
// after the task returns, before the batched DELETE is even sent, so it cannot time completion.
const latencies = new Float64Array(N);
let invoked = 0;
let allInvoked;
const allInvokedPromise = new Promise((resolve) => { allInvoked = resolve; });
const taskList = {
  [TASK]: (payload) => {
    const now = performance.now();
    if (invoked < N) latencies[invoked] = now - payload.t;
    if (++invoked === N) allInvoked();
  },
};

let admin;
let runner;
let utils;
let stage = 'setting up';
let t0 = null;
const fail = async (why) => {
  let remaining = '?';
  try {
    // Bounded: the database may be the thing that stopped answering.
    const count = admin.query('SELECT count(*) AS n FROM graphile_worker._private_jobs');
    const giveUp = new Promise((resolve) => setTimeout(resolve, 2000).unref());
    remaining = (await Promise.race([count, giveUp]))?.rows[0].n ?? '?';
  } catch { /* the message below is what matters */ }
  log(`FAILED while ${stage}: ${why} (${invoked} of ${N} jobs ran, ${remaining} still in the jobs table)`);
  process.exit(1);
};
// One deadline for everything, so a database that never answers fails the run too.
const watchdog = setTimeout(() => {
  fail(t0 === null
    ? `gave up after ${TIMEOUT_MS / 1000} s`
    : `not all ${N} jobs completed within ${((performance.now() - t0) / 1000).toFixed(1)} s of the producers starting`);
}, TIMEOUT_MS);

async function main() {
  // A client of our own: drops the schema, then watches the jobs table at the end.
  stage = `connecting to ${db}`;
  admin = new pg.Client({ connectionString: db });
  await admin.connect();
  stage = 'dropping the graphile_worker schema';
  await admin.query('DROP SCHEMA IF EXISTS graphile_worker CASCADE');

  // Start the worker first (it installs the schema) and wait until it listens for new jobs, so the
  // timer covers the queue rather than the worker's start-up.
  stage = 'starting graphile-worker';
  const events = new EventEmitter();
  const listening = new Promise((resolve) => events.once('pool:listen:success', resolve));
  let version = VERSION;
  events.once('pool:create', ({ ctx }) => {
    version = ctx.version;
    if (version !== VERSION) log(`warning: graphile-worker ${version} is installed, not ${VERSION}`);
  });
  runner = await run({
    taskList,
    parsedCronItems: [],
    noHandleSignals: true,
    preset: {
      worker: {
        ...baseWorker,
        events,
        concurrentJobs: config.concurrentJobs,
        maxPoolSize: config.maxPoolSize,
        ...(settings === 'tuned'
          ? {
              localQueue: config.localQueue,
              completeJobBatchDelay: config.completeJobBatchDelay,
              failJobBatchDelay: config.failJobBatchDelay,
            }
          : {}),
      },
    },
  });
  // If the pool stops before the end (e.g. the database went away), stop waiting for it.
  const stoppedEarly = runner.promise.then(
    () => { throw new Error('the worker pool stopped before all jobs completed'); },
    (e) => { throw new Error(`the worker pool failed: ${e.message ?? e}`); });
  stoppedEarly.catch(() => {});
  await Promise.race([listening, stoppedEarly]);
  utils = await makeWorkerUtils({
    preset: { worker: { ...baseWorker, maxPoolSize: config.producerPoolSize } },
  });

  const batches = Math.ceil(N / B);
  let nextBatch = 0;
  async function producer() {
    for (let i = nextBatch++; i < batches; i = nextBatch++) {
      const count = Math.min(B, N - i * B);
      const t = performance.now();
      const specs = new Array(count);
      for (let j = 0; j < count; j++) specs[j] = { identifier: TASK, payload: { t } };
      await utils.addJobs(specs);
    }
  }

  // Completed jobs are deleted: the run is over once every job ran and the table is empty.
  async function tableEmpty() {
    for (;;) {
      const { rows } = await admin.query('SELECT EXISTS (SELECT 1 FROM graphile_worker._private_jobs) AS any');
      if (!rows[0].any) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  log(`N=${N} P=${P} C=${C} B=${B}: graphile-worker ${version} is listening; starting the producers`);
  stage = 'running the jobs';
  t0 = performance.now();
  await Promise.race([
    (async () => {
      await Promise.all(Array.from({ length: P }, producer));
      log(`all ${N} jobs added after ${((performance.now() - t0) / 1000).toFixed(3)} s (${invoked} ran so far)`);
      await allInvokedPromise;
      await tableEmpty();
    })(),
    stoppedEarly,
  ]);
  const seconds = (performance.now() - t0) / 1000;
  clearTimeout(watchdog);
  if (invoked !== N) log(`warning: the task ran ${invoked} times for ${N} jobs`);

  const sorted = latencies.slice(0, Math.min(invoked, N)).sort();
  const pct = (p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
  const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
  process.stdout.write(JSON.stringify({
    peer: `graphile-worker ${version}`,
    settings,
    messages: N,
    seconds: round(seconds, 4),
    per_second: round(N / seconds, 1),
    p50_ms: round(pct(0.5), 3),
    p99_ms: round(pct(0.99), 3),
    latency: 'enqueue to task start: from just before the producer\'s addJobs call to the no-op task starting to run',
    config,
  }) + '\n');

  stage = 'shutting down';
  await runner.stop();
  await utils.release();
  await admin.end();
}

main().catch((e) => fail(e.message ?? String(e)));
