-- live_day_track: the local days of each device that the day-track job
-- (internal/app) has assembled into patrol tracks, so that each is made
-- once. track_id is the track made, NULL when the day had fewer than two
-- usable fixes.

-- +goose Up
CREATE TABLE live_day_track (
    device_id text NOT NULL,
    day       date NOT NULL,
    track_id  bigint REFERENCES track (id) ON DELETE SET NULL,
    made_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, day)
);

-- +goose Down
DROP TABLE live_day_track;
