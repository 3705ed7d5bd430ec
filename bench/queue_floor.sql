-- The queue's floor: PostgreSQL alone doing the row work of N messages' trip through the queue,
-- with no client, no batching and no checks: one set-based statement per step, on one
-- connection, in a schema migrated like causeway's own. What causeway and graphile-worker do per
-- message cannot cost less than this; its sum bounds what any per-message-row queue can reach on
-- this machine.
--   psql URL -v n=100000 -f bench/queue_floor.sql    (schema causeway_floor, migrated first)
SET search_path = causeway_floor;
TRUNCATE messages, messages_history;
-- The rows as the benchmark makes them: ids, block hashes and a 129-byte collateral body.
CREATE TEMP TABLE input AS
SELECT sha256(('floor-' || i)::bytea) AS id, 901 AS origin, 902 AS destination, i AS nonce,
       sha256('sender'::bytea) AS sender, sha256('recipient'::bytea) AS recipient,
       sha256('recipient'::bytea) || sha256(i::text::bytea) || '\x01'::bytea || sha256('n'::bytea)
         || sha256('a'::bytea) AS body,
       i::numeric AS amount, 1000 + i / 100 AS block_number,
       sha256(('block' || i / 100)::bytea) AS block_hash, i % 100 AS log_index
  FROM generate_series(1, :n) i;
CHECKPOINT;
\timing on
\echo step enqueue
INSERT INTO messages (id, origin, destination, nonce, sender, recipient, body, amount,
                      source_block_number, source_block_hash, log_index)
SELECT * FROM input;
\echo step lease
UPDATE messages SET lease_owner = 'floor', lease_expires_at = now() + interval '60 seconds',
                    run_at = now() + interval '60 seconds', attempts = attempts + 1,
                    updated_at = now();
\echo step deliver
WITH moved AS (DELETE FROM messages RETURNING *)
INSERT INTO messages_history (id, seq, origin, destination, nonce, sender, recipient, body, amount,
                              source_block_number, source_block_hash, log_index, state, attempts,
                              observed_at, delivered_at, updated_at)
SELECT id, seq, origin, destination, nonce, sender, recipient, body, amount, source_block_number,
       source_block_hash, log_index, 'delivered', attempts, observed_at, now(), now()
  FROM moved;
