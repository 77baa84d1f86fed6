-- A device's standing with each zone it is in or crossing (the geofence
-- debounce: confirmed inside or not, a pending change with its crossing
-- time and place and the depth reached, the entry time and whether the
-- dwell event was raised), written with each group of its fixes, so that
-- a restarted process goes on where it stood. NULL for a device stored
-- before: it counts as inside the zones of its last fix.

--
-- A live event has at most one finding, filed after the event is out (a
-- background step, so that the case intake does not hold up the stream),
-- found by its event.

-- +goose Up
ALTER TABLE live_device ADD COLUMN zone_state jsonb;
CREATE UNIQUE INDEX finding_live_event ON finding (live_event_id) WHERE live_event_id IS NOT NULL;

-- +goose Down
DROP INDEX finding_live_event;
ALTER TABLE live_device DROP COLUMN zone_state;
