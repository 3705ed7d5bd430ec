-- "901->902", "from 901", "to 902", "touching 901", "all routes" (as `causeway routes` says them).
CREATE OR REPLACE FUNCTION route_pause_scope(p route_pauses) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE
    WHEN p.chain IS NOT NULL THEN 'touching ' || p.chain
    WHEN p.origin IS NOT NULL AND p.destination IS NOT NULL THEN p.origin || '->' || p.destination
    WHEN p.origin IS NOT NULL THEN 'from ' || p.origin
    WHEN p.destination IS NOT NULL THEN 'to ' || p.destination
    ELSE 'all routes' END
$$;
