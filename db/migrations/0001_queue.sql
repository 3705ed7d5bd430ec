-- The message queue, routes with their pauses and limits, the audit trail, validator
-- checkpoints, nonce streams and transaction attempts (design §4).
--
-- Names are unqualified: `causeway db migrate` runs this with search_path set to the target
-- schema (`causeway` unless told otherwise), and functions keep that search_path.

-- Lifecycle states. Values are only ever added, never renamed or removed.
-- `paused` is reserved: a paused route leaves its messages in their state and place.
CREATE TYPE message_state AS ENUM (
  'observed', 'verified', 'submitted', 'delivered',
  'retrying', 'failed_permanent', 'paused', 'orphaned'
);

-- Domains are Hyperlane u32 domain ids.
CREATE DOMAIN domain_id AS bigint CHECK (VALUE BETWEEN 0 AND 4294967295);
CREATE DOMAIN bytes32 AS bytea CHECK (length(VALUE) = 32);
CREATE DOMAIN uint256 AS numeric(78, 0) CHECK (VALUE >= 0 AND VALUE < 2::numeric ^ 256);

-- Microseconds since the Unix epoch; NULL for 'infinity' (how causeway reads timestamps back).
-- STABLE like extract() itself, so that the planner inlines it.
CREATE FUNCTION epoch_us(t timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN isfinite(t) THEN (extract(epoch FROM t) * 1000000)::bigint END $$;

CREATE TABLE routes (
  origin domain_id NOT NULL,
  destination domain_id NOT NULL,
  security_mode text NOT NULL DEFAULT 'committee'
    CHECK (security_mode IN ('committee', 'optimistic', 'validity')),
  paused boolean NOT NULL DEFAULT false,
  paused_by text,
  paused_reason text,
  paused_at timestamptz,
  -- Token bucket over messages: refill rate and capacity. NULL rate: no rate limit.
  rate_per_second double precision CHECK (rate_per_second > 0),
  burst double precision CHECK (burst >= 1),
  -- Notional admitted over any 24 hours (Wormhole governor). NULL: no cap.
  daily_cap uint256,
  -- Transfers at or above the threshold wait `big_transfer_delay` after being observed and do
  -- not count against the daily cap. NULL: no threshold.
  big_transfer_threshold uint256,
  big_transfer_delay interval NOT NULL DEFAULT '24 hours',
  limited boolean GENERATED ALWAYS AS (
    rate_per_second IS NOT NULL OR daily_cap IS NOT NULL OR big_transfer_threshold IS NOT NULL) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (origin, destination),
  CHECK ((rate_per_second IS NULL) = (burst IS NULL))
);

CREATE TABLE rate_limit_buckets (
  origin domain_id NOT NULL,
  destination domain_id NOT NULL,
  tokens double precision NOT NULL,
  refilled_at timestamptz NOT NULL,
  PRIMARY KEY (origin, destination),
  FOREIGN KEY (origin, destination) REFERENCES routes ON DELETE CASCADE
);

-- Notional admitted per route, for the rolling 24-hour cap.
CREATE TABLE route_flows (
  origin domain_id NOT NULL,
  destination domain_id NOT NULL,
  message_id bytes32 NOT NULL,
  amount uint256 NOT NULL,
  admitted_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (origin, destination) REFERENCES routes ON DELETE CASCADE
);
CREATE INDEX route_flows_window ON route_flows (origin, destination, admitted_at);

-- The hot queue: every message not yet delivered. `stage` is the state a worker claims it for
-- (a retrying message keeps the stage it failed in); `run_at` is when it may next be claimed,
-- and while leased it is the lease expiry, so an expired lease makes the row claimable again.
-- Terminal rows (dead letters, orphans) wait at run_at = 'infinity'.
CREATE TABLE messages (
  id bytes32 PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  origin domain_id NOT NULL,
  destination domain_id NOT NULL,
  nonce bigint NOT NULL,
  sender bytes32 NOT NULL,
  recipient bytes32 NOT NULL,
  body bytea NOT NULL,
  amount uint256 NOT NULL DEFAULT 0,
  source_block_number bigint NOT NULL,
  source_block_hash bytes32 NOT NULL,
  log_index integer NOT NULL,
  state message_state NOT NULL DEFAULT 'observed',
  stage message_state NOT NULL DEFAULT 'observed',
  attempts integer NOT NULL DEFAULT 0,
  run_at timestamptz NOT NULL DEFAULT now(),
  lease_owner text,
  lease_expires_at timestamptz,
  held_reason text,
  limit_admitted_at timestamptz,
  last_error text,
  last_error_class text,
  observed_at timestamptz NOT NULL DEFAULT now(),
  verified_at timestamptz,
  submitted_at timestamptz,
  delivered_at timestamptz,
  retrying_at timestamptz,
  failed_at timestamptz,
  orphaned_at timestamptz,
  delivery_tx_hash bytes32,
  updated_at timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 80);
CREATE INDEX messages_claim ON messages (stage, run_at, seq);

-- Delivered messages leave the hot table for this one, so the queue stays small.
CREATE TABLE messages_history (
  id bytes32 PRIMARY KEY,
  seq bigint NOT NULL,
  origin domain_id NOT NULL,
  destination domain_id NOT NULL,
  nonce bigint NOT NULL,
  sender bytes32 NOT NULL,
  recipient bytes32 NOT NULL,
  body bytea NOT NULL,
  amount uint256 NOT NULL,
  source_block_number bigint NOT NULL,
  source_block_hash bytes32 NOT NULL,
  log_index integer NOT NULL,
  state message_state NOT NULL,
  attempts integer NOT NULL,
  last_error text,
  last_error_class text,
  observed_at timestamptz NOT NULL,
  verified_at timestamptz,
  submitted_at timestamptz,
  delivered_at timestamptz,
  retrying_at timestamptz,
  failed_at timestamptz,
  orphaned_at timestamptz,
  delivery_tx_hash bytes32,
  updated_at timestamptz NOT NULL
);
-- BRIN: delivered_at follows insertion order, and a BRIN index costs next to nothing to keep.
CREATE INDEX messages_history_delivered ON messages_history USING brin (delivered_at);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL CHECK (actor <> ''),
  action text NOT NULL,
  target text NOT NULL,
  reason text,
  before jsonb,
  after jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Checkpoints a validator signed (root and index of the origin's merkle tree hook, and the
-- message id at that index), and the signatures gathered for them.
CREATE TABLE checkpoints (
  origin domain_id NOT NULL,
  merkle_tree_hook bytes32 NOT NULL,
  index bigint NOT NULL CHECK (index BETWEEN 0 AND 4294967295),
  root bytes32 NOT NULL,
  message_id bytes32 NOT NULL,
  observed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (origin, merkle_tree_hook, index)
);
CREATE INDEX checkpoints_message ON checkpoints (message_id);

CREATE TABLE checkpoint_signatures (
  origin domain_id NOT NULL,
  merkle_tree_hook bytes32 NOT NULL,
  index bigint NOT NULL,
  validator bytea NOT NULL CHECK (length(validator) = 20),
  signature bytea NOT NULL CHECK (length(signature) = 65),
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (origin, merkle_tree_hook, index, validator),
  FOREIGN KEY (origin, merkle_tree_hook, index) REFERENCES checkpoints ON DELETE CASCADE
);

-- One nonce stream per (chain, signer); its owner holds a session advisory lock on it.
CREATE TABLE nonces (
  chain_id bigint NOT NULL CHECK (chain_id > 0),
  signer bytea NOT NULL CHECK (length(signer) = 20),
  next_nonce bigint NOT NULL CHECK (next_nonce >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, signer)
);

CREATE TABLE tx_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chain_id bigint NOT NULL,
  signer bytea NOT NULL CHECK (length(signer) = 20),
  nonce bigint NOT NULL,
  tx_hash bytes32 NOT NULL UNIQUE,
  message_ids bytea[] NOT NULL,
  gas_limit bigint NOT NULL,
  max_fee_per_gas uint256 NOT NULL,
  max_priority_fee_per_gas uint256 NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'mined', 'reverted', 'replaced', 'dropped')),
  sent_at timestamptz NOT NULL DEFAULT now(),
  mined_block_number bigint,
  mined_block_hash bytes32,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tx_attempts_nonce ON tx_attempts (chain_id, signer, nonce);

-- Leases up to p_limit messages queued for p_stage whose run_at has come and whose route is not
-- paused, oldest first, skipping rows other workers hold. Messages of a limited route are charged
-- against its limits once, at their first claim; those over a limit stay queued with run_at set to
-- when they become eligible and held_reason saying which limit.
CREATE FUNCTION claim_messages(p_stage message_state, p_limit integer, p_owner text, p_lease interval)
RETURNS SETOF messages
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  -- Routes as origin * 2^32 + destination: those paused, and those with limits. Filtering on
  -- arrays keeps the pick an ordered walk of messages_claim (a join would plan as scan + sort).
  v_paused bigint[];
  v_limited bigint[];
  v_ids bytea[] := '{}';
  v_claimed integer;
  rec record;
  v_tokens double precision;
  v_refilled timestamptz;
  v_used numeric;
  v_eligible timestamptz;
  v_reason text;
  v_big boolean;
BEGIN
  SELECT coalesce(array_agg(origin * 4294967296 + destination) FILTER (WHERE paused), '{}'),
         coalesce(array_agg(origin * 4294967296 + destination) FILTER (WHERE limited AND NOT paused), '{}')
    INTO v_paused, v_limited FROM routes WHERE paused OR limited;

  RETURN QUERY
  WITH picked AS (
    SELECT m.id FROM messages m
    WHERE m.stage = p_stage AND m.run_at <= now()
      AND NOT (m.origin * 4294967296 + m.destination) = ANY (v_paused)
      AND (m.limit_admitted_at IS NOT NULL OR NOT (m.origin * 4294967296 + m.destination) = ANY (v_limited))
    ORDER BY m.run_at, m.seq
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED)
  UPDATE messages m
     SET lease_owner = p_owner, lease_expires_at = now() + p_lease, run_at = now() + p_lease,
         attempts = m.attempts + 1, held_reason = NULL, updated_at = now()
    FROM picked WHERE m.id = picked.id
  RETURNING m.*;
  GET DIAGNOSTICS v_claimed = ROW_COUNT;
  IF v_claimed >= p_limit OR cardinality(v_limited) = 0 THEN
    RETURN;
  END IF;

  FOR rec IN
    SELECT m.id, m.origin, m.destination, m.amount, m.observed_at, r.rate_per_second, r.burst,
           r.daily_cap, r.big_transfer_threshold, r.big_transfer_delay
      FROM messages m
      JOIN routes r ON r.origin = m.origin AND r.destination = m.destination
     WHERE m.stage = p_stage AND m.run_at <= now() AND NOT r.paused
       AND r.limited AND m.limit_admitted_at IS NULL
     ORDER BY m.run_at, m.seq
     LIMIT p_limit - v_claimed
       FOR UPDATE OF m SKIP LOCKED
  LOOP
    v_eligible := NULL;
    v_reason := NULL;
    v_big := rec.big_transfer_threshold IS NOT NULL AND rec.amount >= rec.big_transfer_threshold;

    IF v_big AND rec.observed_at + rec.big_transfer_delay > now() THEN
      v_eligible := rec.observed_at + rec.big_transfer_delay;
      v_reason := 'big_transfer_delay';
    END IF;

    -- Admissions on one route are serialised on its row (the bucket and the window are shared).
    PERFORM 1 FROM routes WHERE origin = rec.origin AND destination = rec.destination FOR UPDATE;

    IF v_eligible IS NULL AND NOT v_big AND rec.daily_cap IS NOT NULL THEN
      SELECT coalesce(sum(amount), 0) INTO v_used FROM route_flows
       WHERE origin = rec.origin AND destination = rec.destination
         AND admitted_at > now() - interval '24 hours';
      IF rec.amount > rec.daily_cap THEN
        v_eligible := now() + interval '24 hours';
        v_reason := 'exceeds_daily_cap';
      ELSIF v_used + rec.amount > rec.daily_cap THEN
        -- Eligible once enough of the window's flow has aged out.
        SELECT f.admitted_at + interval '24 hours' INTO v_eligible FROM (
          SELECT admitted_at, sum(amount) OVER (ORDER BY admitted_at, message_id) AS aged
            FROM route_flows
           WHERE origin = rec.origin AND destination = rec.destination
             AND admitted_at > now() - interval '24 hours') f
         WHERE v_used - f.aged + rec.amount <= rec.daily_cap
         ORDER BY f.admitted_at LIMIT 1;
        v_reason := 'daily_cap';
      END IF;
    END IF;

    IF v_eligible IS NULL AND rec.rate_per_second IS NOT NULL THEN
      SELECT tokens, refilled_at INTO v_tokens, v_refilled FROM rate_limit_buckets
       WHERE origin = rec.origin AND destination = rec.destination FOR UPDATE;
      IF NOT FOUND THEN
        v_tokens := rec.burst;
        v_refilled := now();
        INSERT INTO rate_limit_buckets VALUES (rec.origin, rec.destination, v_tokens, v_refilled);
      END IF;
      v_tokens := least(rec.burst,
                        v_tokens + extract(epoch FROM now() - v_refilled) * rec.rate_per_second);
      IF v_tokens < 1 THEN
        v_eligible := now() + make_interval(secs => (1 - v_tokens) / rec.rate_per_second);
        v_reason := 'rate_limit';
      ELSE
        v_tokens := v_tokens - 1;
      END IF;
      UPDATE rate_limit_buckets SET tokens = v_tokens, refilled_at = now()
       WHERE origin = rec.origin AND destination = rec.destination;
    END IF;

    IF v_eligible IS NULL THEN
      IF rec.daily_cap IS NOT NULL AND NOT v_big THEN
        INSERT INTO route_flows (origin, destination, message_id, amount)
        VALUES (rec.origin, rec.destination, rec.id, rec.amount);
      END IF;
      v_ids := v_ids || rec.id;
    ELSE
      UPDATE messages SET run_at = v_eligible, held_reason = v_reason, updated_at = now()
       WHERE id = rec.id;
    END IF;
  END LOOP;

  IF cardinality(v_ids) > 0 THEN
    RETURN QUERY
    UPDATE messages m
       SET lease_owner = p_owner, lease_expires_at = now() + p_lease, run_at = now() + p_lease,
           attempts = m.attempts + 1, held_reason = NULL, limit_admitted_at = now(),
           updated_at = now()
     WHERE m.id = ANY (v_ids)
    RETURNING m.*;
  END IF;
END;
$$;
