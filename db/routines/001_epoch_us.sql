-- Microseconds since the Unix epoch; NULL for 'infinity' (how causeway reads timestamps back).
-- STABLE like extract() itself, so that the planner inlines it.
CREATE OR REPLACE FUNCTION epoch_us(t timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN isfinite(t) THEN (extract(epoch FROM t) * 1000000)::bigint END $$;
