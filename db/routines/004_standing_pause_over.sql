-- The oldest standing pause covering a route (all NULL when none does). VOLATILE: each call reads
-- what is committed by then.
CREATE OR REPLACE FUNCTION standing_pause_over(p_origin bigint, p_destination bigint) RETURNS route_pauses
LANGUAGE sql VOLATILE
SET search_path FROM CURRENT
AS $$
  SELECT * FROM route_pauses
   WHERE (origin IS NULL OR origin = p_origin) AND (destination IS NULL OR destination = p_destination)
     AND (chain IS NULL OR chain = p_origin OR chain = p_destination)
   ORDER BY paused_at, id LIMIT 1
$$;
