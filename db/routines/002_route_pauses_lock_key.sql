-- Pausing and creating a route exclude each other (a pause takes this lock exclusively, a route's
-- creation shared): otherwise a route created while a pause runs could miss it on both sides,
-- the pause's UPDATE not seeing the uncommitted route and the route's trigger not seeing the
-- uncommitted pause.
CREATE OR REPLACE FUNCTION route_pauses_lock_key() RETURNS bigint
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$ SELECT hashtext('causeway route_pauses ' || current_schema())::bigint $$;
