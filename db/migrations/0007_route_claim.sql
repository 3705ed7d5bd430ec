-- Claims walk the line route by route (claim_messages): a paused route's backlog lies out of the
-- way of every claim instead of in front of it. The index keeps each route's messages of a stage
-- together in (run_at, seq) order, and replaces messages_claim, which only claims walked (one
-- index on the hot table, as before). Terminal rows (dead letters, orphans, at run_at =
-- 'infinity') are left out: no claim wants them, and a route with nothing else queued (one this
-- relayer does not serve, say) is then not in the index at all. Built inside the migration's
-- transaction: writes to messages wait for it (seconds for a backlog of a million).
CREATE INDEX messages_route_claim ON messages (stage, origin, destination, run_at, seq)
  WHERE run_at < 'infinity';
DROP INDEX messages_claim;
