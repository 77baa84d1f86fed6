-- A marker case is dated by the day of the act as far as it is known: the
-- marker's last_inspected_on when the same change records the inspection
-- that found the marker damaged, missing or moved (the case's observed_at
-- becomes the start of that day in the case's time zone, so its law is the
-- law in force that day); the day of the status change only when no
-- inspection date comes with it.

-- +goose Up
-- case_intake_marker: migrations/functions/case_intake_marker.sql holds its body.

-- +goose Down
