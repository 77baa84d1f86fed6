-- A clue photo's position and time are read by the server from the photo's
-- EXIF; position_from and taken_at_from say whether they came from there or,
-- for a photo without them, from what the client sent. A clue's field visit
-- may be a live device's pass (visit_device) as well as a patrol track's.

-- +goose Up
ALTER TABLE clue_photo
    ADD COLUMN position_from text CHECK (position_from IN ('exif', 'client')),
    ADD COLUMN taken_at_from text CHECK (taken_at_from IN ('exif', 'client'));
UPDATE clue_photo SET position_from = CASE WHEN lon IS NOT NULL THEN 'client' END,
                      taken_at_from = CASE WHEN taken_at IS NOT NULL THEN 'client' END;
ALTER TABLE clue ADD COLUMN visit_device text REFERENCES live_device (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE clue DROP COLUMN visit_device;
ALTER TABLE clue_photo DROP COLUMN taken_at_from, DROP COLUMN position_from;
