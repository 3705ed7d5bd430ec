-- A route that a standing pause made start paused: the audit log says so (run AFTER INSERT: a row
-- that met ON CONFLICT DO NOTHING was not created).
CREATE OR REPLACE FUNCTION routes_audit_standing_pause() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  p route_pauses;
BEGIN
  p := standing_pause_over(NEW.origin, NEW.destination);
  INSERT INTO audit_log (actor, action, target, reason, after)
  VALUES (NEW.paused_by, 'route.pause', NEW.origin || '->' || NEW.destination,
          'created under the standing pause (' || CASE WHEN p.id IS NULL THEN '?' ELSE route_pause_scope(p) END || ')'
            || coalesce(': ' || NEW.paused_reason, ''),
          to_jsonb(NEW));
  RETURN NULL;
END;
$$;
