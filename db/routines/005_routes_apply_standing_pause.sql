-- A route created while a standing pause covers it starts paused, by the oldest such pause.
CREATE OR REPLACE FUNCTION routes_apply_standing_pause() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  p route_pauses;
BEGIN
  IF NOT NEW.paused THEN
    -- Waits for a pause being made; this function is volatile, so the query below then sees it.
    PERFORM pg_advisory_xact_lock_shared(route_pauses_lock_key());
    p := standing_pause_over(NEW.origin, NEW.destination);
    IF p.id IS NOT NULL THEN
      NEW.paused := true;
      NEW.paused_by := p.paused_by;
      NEW.paused_reason := p.reason;
      NEW.paused_at := now();
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
