-- Leases up to p_limit messages queued for p_stage whose run_at has come and whose route is not
-- paused, oldest first, skipping rows other workers hold. Messages of a limited route are charged
-- against its limits once, at their first claim; those over a limit stay queued with run_at set to
-- when they become eligible and held_reason saying which limit. The daily cap holds a transfer
-- 24 hours at most from when it first held it. Messages of limited routes keep their place in
-- line: those among the next p_limit due are weighed before the batch is filled.
CREATE OR REPLACE FUNCTION claim_messages(p_stage message_state, p_limit integer, p_owner text, p_lease interval)
RETURNS SETOF messages
LANGUAGE plpgsql
SET search_path FROM CURRENT
-- The line is walked route by route: messages_route_claim keeps each route's messages of a stage
-- together, in (run_at, seq) order, and the pick merges the walks of the routes not paused (a Merge
-- Append), stopping after p_limit rows. A paused route's backlog is not read at all, however long.
-- The merge is written out per claim, one branch per route (routes with messages to claim are
-- few: terminal rows are not in the index); one unlimited route's walk is a fixed statement. Every
-- walk of the index here says run_at < 'infinity', its condition.
-- The hot table's statistics are usually stale (it churns faster than autovacuum analyses it), and
-- on too few estimated rows the planner would collect every ready row and sort them: work that
-- grows with the backlog. Sorts and bitmap scans are priced out here; so is compiling a plan (JIT),
-- which a sort priced out would otherwise set off, for longer than a claim takes.
SET enable_sort = off
SET enable_bitmapscan = off
SET jit = off
AS $$
DECLARE
  -- Routes as origin * 2^32 + destination: those paused, and those with limits.
  v_paused bigint[];
  v_limited bigint[];
  -- The routes not paused with messages due at p_stage (32 at most), with their heads (run_at and
  -- seq of their oldest messages); the line: their walks merged, as the text of a query over $1
  -- (p_stage), $4 and $5 (the heads); v_picks: the texts of the picks (below) from the line, and
  -- from the line of the limited routes among them (NULL when none are).
  v_routes bigint[];
  v_head_run_ats timestamptz[];
  v_head_seqs bigint[];
  v_count integer;
  v_single text;
  v_text text;
  v_line text;
  v_picks text[] := ARRAY[NULL, NULL];
  v_ids bytea[] := '{}';
  v_claimed integer := 0;
  v_round integer;
  v_candidates bytea[];
  v_id bytea;
  rec record;
  v_route routes;  -- the route of rec, read under its row lock
  v_tokens double precision;
  v_refilled timestamptz;
  v_used numeric;
  v_eligible timestamptz;
  v_reason text;
  v_big boolean;
  -- Notional admitted in the last 24 hours per capped route (keys as origin * 2^32 + destination),
  -- summed once per claim and kept up to date by this claim's admissions: summing the window for
  -- every message would cost the window's size per message.
  v_used_keys bigint[] := '{}';
  v_used_sums numeric[] := '{}';
  v_pos integer;
  v_released boolean;  -- over the cap, but its release timer ran out: admitted, not counted
  v_cap_held boolean;  -- the cap holds it now
BEGIN
  SELECT coalesce(array_agg(origin * 4294967296 + destination) FILTER (WHERE paused), '{}'),
         coalesce(array_agg(origin * 4294967296 + destination) FILTER (WHERE limited AND NOT paused), '{}')
    INTO v_paused, v_limited FROM routes WHERE paused OR limited;

  -- The routes with messages due at p_stage, by a skip scan of messages_route_claim: one probe per
  -- route, whatever its backlog, landing on the route's oldest live entry, its head. The walks
  -- start there, past what claims left dead before it, which the probe read (a message committed
  -- before a head after the probe waits for the next claim, as one committed after the pick does).
  -- routes gets a row with a route's first message, but a message whose route has none is claimed
  -- as ever (not paused, no limits). Of many routes due at once (a burst of messages to routes
  -- this relayer does not serve, before their first claim dead-letters them), the 32 whose heads
  -- come first are walked, so that writing out and planning the pick stays cheap: a batch that
  -- would span more routes leaves the others' messages to the next claim.
  WITH RECURSIVE r AS (
    (SELECT m.origin, m.destination, m.run_at, m.seq FROM messages m
      WHERE m.stage = p_stage AND m.run_at < 'infinity'
      ORDER BY m.origin, m.destination, m.run_at, m.seq LIMIT 1)
    UNION ALL
    SELECT n.* FROM r, LATERAL (
      SELECT m.origin, m.destination, m.run_at, m.seq FROM messages m
       WHERE m.stage = p_stage AND m.run_at < 'infinity' AND (m.origin, m.destination) > (r.origin, r.destination)
       ORDER BY m.origin, m.destination, m.run_at, m.seq LIMIT 1) n)
  SELECT coalesce((array_agg(r.origin * 4294967296 + r.destination ORDER BY r.run_at, r.seq))[1:32], '{}'),
         (array_agg(r.run_at ORDER BY r.run_at, r.seq))[1:32], (array_agg(r.seq ORDER BY r.run_at, r.seq))[1:32]
    INTO v_routes, v_head_run_ats, v_head_seqs FROM r
   WHERE r.run_at <= now() AND NOT (r.origin * 4294967296 + r.destination) = ANY (v_paused);
  IF cardinality(v_routes) = 0 THEN
    RETURN;
  END IF;

  -- A pick: the first $2 messages of a line whose row, locked (rows other claims hold skipped),
  -- meets a condition on m, as id, run_at and seq, in line order. Each message of the merged line
  -- is locked by a probe of its own (by the row version the walk saw) until there are enough: a
  -- lock above the walks would leave them unordered, so not mergeable. The condition is the
  -- probe's: on the walks, it would make each walk read ahead to its first match, and a row that
  -- changed meanwhile is checked again as it is now. A line of one route is its walk, which locks
  -- as it goes, with no probe (the probes cost a claim of 500 about a fifth more).
  -- The first pick takes messages of unlimited routes and those already admitted ($3: the limited
  -- routes); the second, messages of limited routes not yet weighed ($3: those weighed already).
  -- One unlimited route (the common case) needs none of this: its pick is a fixed statement below.
  IF cardinality(v_routes) > 1 OR v_routes[1] = ANY (v_limited) THEN
    FOR v_round IN 1..2 LOOP
      -- Merged in order (one walk is in order already, and may not be ordered twice).
      SELECT string_agg(format('(SELECT q.id, q.ctid, q.run_at, q.seq, q.limit_admitted_at, %s::bigint AS route'
                               ' FROM messages q WHERE q.stage = $1 AND q.origin = %s AND q.destination = %s'
                               ' AND (q.run_at, q.seq) >= ($4[%s], $5[%s]) AND q.run_at <= now()'
                               ' AND q.run_at < ''infinity'' ORDER BY q.run_at, q.seq)',
                               h.k, h.k / 4294967296, h.k % 4294967296, h.i, h.i), ' UNION ALL ' ORDER BY h.k)
               || CASE WHEN count(*) > 1 THEN ' ORDER BY run_at, seq' ELSE '' END,
             count(*),
             min(format('SELECT m.id, m.run_at, m.seq FROM messages m WHERE m.stage = $1 AND m.origin = %s'
                        ' AND m.destination = %s AND (m.run_at, m.seq) >= ($4[%s], $5[%s])'
                        ' AND m.run_at <= now() AND m.run_at < ''infinity'' AND %s'
                        ' ORDER BY m.run_at, m.seq LIMIT $2 FOR UPDATE SKIP LOCKED',
                        h.k / 4294967296, h.k % 4294967296, h.i, h.i, '%s'))
        INTO v_text, v_count, v_single
        FROM unnest(v_routes) WITH ORDINALITY AS h(k, i)
       WHERE v_round = 1 OR h.k = ANY (v_limited);
      CONTINUE WHEN v_count = 0;
      IF v_round = 1 THEN
        v_line := v_text;
      END IF;
      v_picks[v_round] := format(CASE
        WHEN v_count = 1 THEN v_single
        ELSE 'SELECT x.id, l.run_at, l.seq FROM (' || v_text || ') l CROSS JOIN LATERAL ('
             'SELECT m.id FROM messages m WHERE m.ctid = l.ctid AND m.stage = $1 AND m.run_at <= now()'
             ' AND %s FOR UPDATE SKIP LOCKED) x ORDER BY l.run_at, l.seq LIMIT $2' END,
        CASE v_round
        WHEN 1 THEN '(m.limit_admitted_at IS NOT NULL OR NOT (m.origin * 4294967296 + m.destination) = ANY ($3))'
        ELSE 'm.limit_admitted_at IS NULL AND m.id <> ALL ($3)' END);
    END LOOP;
  END IF;

  -- Two rounds. First, messages of limited routes among the head of the line (the next p_limit
  -- due, as the pick walks them) are weighed against their limits, so that a backlog of other
  -- work cannot keep them waiting for ever; then the pick fills the batch from the rest (unlimited
  -- routes, messages already admitted). Second, if the batch still has room, more messages of
  -- limited routes are weighed, oldest first.
  FOR v_round IN 1..2 LOOP
    v_candidates := '{}';
    IF v_picks[2] IS NOT NULL AND v_round = 1 THEN
      EXECUTE 'SELECT coalesce(array_agg(h.id ORDER BY h.run_at, h.seq), ''{}'') FROM (SELECT * FROM ('
              || v_line || ') l LIMIT $2) h WHERE h.limit_admitted_at IS NULL AND h.route = ANY ($3)'
        INTO v_candidates USING p_stage, p_limit, v_limited, v_head_run_ats, v_head_seqs;
    ELSIF v_picks[2] IS NOT NULL AND v_claimed + cardinality(v_ids) < p_limit THEN
      -- Only routes this claim locks below (those limited when it began): a route limited since
      -- waits for the next claim, rather than being locked out of key order.
      EXECUTE 'SELECT coalesce(array_agg(c.id ORDER BY c.run_at, c.seq), ''{}'') FROM (' || v_picks[2] || ') c'
        INTO v_candidates USING p_stage, p_limit - v_claimed - cardinality(v_ids), v_ids, v_head_run_ats,
          v_head_seqs;
    END IF;

    IF cardinality(v_candidates) > 0 THEN
      -- Charging limits writes the route's bucket and 24-hour flows: whatever the caller chose, this
      -- transaction's commit waits for the disk, so a crash cannot forget a charge.
      PERFORM set_config('synchronous_commit', 'on', true);
      -- The limited routes are locked at once, in key order, as pauses lock routes: claims that
      -- meet routes in different orders would otherwise deadlock.
      PERFORM 1 FROM routes WHERE origin * 4294967296 + destination = ANY (v_limited)
        ORDER BY origin, destination FOR UPDATE;

      -- One keyed probe per candidate, in line order (a walk of the claim index would read the
      -- whole ready range to find them).
      FOREACH v_id IN ARRAY v_candidates LOOP
        SELECT m.id, m.origin, m.destination, m.amount, m.observed_at, m.cap_held_at INTO rec
          FROM messages m
         WHERE m.id = v_id AND m.stage = p_stage AND m.run_at <= now() AND m.limit_admitted_at IS NULL
           FOR UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND;
        -- Admissions on one route are serialised on its row (the bucket and the window are shared).
        -- Its pause and limits are read under that lock: an operator's change that committed while
        -- this claim waited for it counts.
        SELECT * INTO v_route FROM routes WHERE origin = rec.origin AND destination = rec.destination FOR UPDATE;
        CONTINUE WHEN v_route.paused;
        v_eligible := NULL;
        v_reason := NULL;
        v_released := false;
        v_cap_held := false;
        v_big := v_route.big_transfer_threshold IS NOT NULL AND rec.amount >= v_route.big_transfer_threshold;

        IF v_big AND rec.observed_at + v_route.big_transfer_delay > now() THEN
          v_eligible := rec.observed_at + v_route.big_transfer_delay;
          v_reason := 'big_transfer_delay';
        END IF;


        IF v_eligible IS NULL AND NOT v_big AND v_route.daily_cap IS NOT NULL THEN
          v_pos := array_position(v_used_keys, rec.origin * 4294967296 + rec.destination);
          IF v_pos IS NULL THEN
            -- Flows that left the window count for nothing any more: drop them (the route is locked).
            DELETE FROM route_flows
             WHERE origin = rec.origin AND destination = rec.destination
               AND admitted_at <= now() - interval '24 hours';
            SELECT coalesce(sum(amount), 0) INTO v_used FROM route_flows
             WHERE origin = rec.origin AND destination = rec.destination
               AND admitted_at > now() - interval '24 hours';
            v_used_keys := v_used_keys || (rec.origin * 4294967296 + rec.destination);
            v_used_sums := v_used_sums || v_used;
            v_pos := cardinality(v_used_keys);
          ELSE
            v_used := v_used_sums[v_pos];
          END IF;
          -- Wormhole governor's release timer: the cap holds a transfer 24 hours at most, from when it
          -- first held it (a pause or a backlog before that does not count), so one larger than the
          -- whole cap, or one a steady stream keeps out, still moves. Released so, it does not count
          -- against the window (as in Wormhole): one huge transfer cannot freeze the route for a day.
          IF v_used + rec.amount > v_route.daily_cap
             AND rec.cap_held_at IS NOT NULL AND rec.cap_held_at + interval '24 hours' <= now() THEN
            v_released := true;
          ELSIF v_used + rec.amount > v_route.daily_cap THEN
            IF rec.amount > v_route.daily_cap THEN
              v_eligible := coalesce(rec.cap_held_at, now()) + interval '24 hours';
              v_reason := 'exceeds_daily_cap';
            ELSE
              -- Eligible once enough of the window's flow has aged out, or at the release time.
              SELECT f.admitted_at + interval '24 hours' INTO v_eligible FROM (
                SELECT admitted_at, sum(amount) OVER (ORDER BY admitted_at, message_id) AS aged
                  FROM route_flows
                 WHERE origin = rec.origin AND destination = rec.destination
                   AND admitted_at > now() - interval '24 hours') f
               WHERE v_used - f.aged + rec.amount <= v_route.daily_cap
               ORDER BY f.admitted_at LIMIT 1;
              v_eligible := least(v_eligible, coalesce(rec.cap_held_at, now()) + interval '24 hours');
              v_reason := 'daily_cap';
            END IF;
            v_cap_held := true;
          END IF;
        END IF;

        IF v_eligible IS NULL AND v_route.rate_per_second IS NOT NULL THEN
          SELECT tokens, refilled_at INTO v_tokens, v_refilled FROM rate_limit_buckets
           WHERE origin = rec.origin AND destination = rec.destination FOR UPDATE;
          IF NOT FOUND THEN
            v_tokens := v_route.burst;
            v_refilled := now();
            INSERT INTO rate_limit_buckets VALUES (rec.origin, rec.destination, v_tokens, v_refilled);
          END IF;
          v_tokens := least(v_route.burst,
                            v_tokens + extract(epoch FROM now() - v_refilled) * v_route.rate_per_second);
          IF v_tokens < 1 THEN
            v_eligible := now() + make_interval(secs => (1 - v_tokens) / v_route.rate_per_second);
            v_reason := 'rate_limit';
          ELSE
            v_tokens := v_tokens - 1;
          END IF;
          UPDATE rate_limit_buckets SET tokens = v_tokens, refilled_at = now()
           WHERE origin = rec.origin AND destination = rec.destination;
        END IF;

        IF v_eligible IS NULL THEN
          IF v_route.daily_cap IS NOT NULL AND NOT v_big AND NOT v_released THEN
            INSERT INTO route_flows (origin, destination, message_id, amount)
            VALUES (rec.origin, rec.destination, rec.id, rec.amount);
            v_used_sums[v_pos] := v_used_sums[v_pos] + rec.amount;
          END IF;
          v_ids := v_ids || rec.id;
        ELSE
          UPDATE messages SET run_at = v_eligible, held_reason = v_reason, updated_at = now(),
                 cap_held_at = CASE WHEN v_cap_held THEN coalesce(cap_held_at, now()) ELSE cap_held_at END
           WHERE id = rec.id;
        END IF;
      END LOOP;
    END IF;

    IF v_round = 1 AND cardinality(v_ids) < p_limit AND v_picks[1] IS NULL THEN
      RETURN QUERY
      WITH picked AS (
        SELECT m.id FROM messages m
         WHERE m.stage = p_stage AND m.origin = v_routes[1] / 4294967296
           AND m.destination = v_routes[1] % 4294967296
           AND (m.run_at, m.seq) >= (v_head_run_ats[1], v_head_seqs[1]) AND m.run_at <= now()
           AND m.run_at < 'infinity'
         ORDER BY m.run_at, m.seq
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED)
      UPDATE messages m
         SET lease_owner = p_owner, lease_expires_at = now() + p_lease, run_at = now() + p_lease,
             attempts = m.attempts + 1, held_reason = NULL, updated_at = now()
        FROM picked WHERE m.id = picked.id
      RETURNING m.*;
      GET DIAGNOSTICS v_claimed = ROW_COUNT;
    ELSIF v_round = 1 AND cardinality(v_ids) < p_limit THEN
      RETURN QUERY EXECUTE
        'WITH picked AS (' || v_picks[1] || ') UPDATE messages m SET lease_owner = $6,'
        ' lease_expires_at = now() + $7, run_at = now() + $7, attempts = m.attempts + 1,'
        ' held_reason = NULL, updated_at = now()'
        ' FROM picked WHERE m.id = picked.id RETURNING m.*'
        USING p_stage, p_limit - cardinality(v_ids), v_limited, v_head_run_ats, v_head_seqs, p_owner, p_lease;
      GET DIAGNOSTICS v_claimed = ROW_COUNT;
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
