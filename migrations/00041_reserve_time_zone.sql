-- A reserve's time zone (IANA, default Asia/Shanghai): every time shown for
-- the reserve is written in it — a case in no administrative area takes it
-- (its deadline's day, its generated text), where one in an area keeps the
-- area's.

-- +goose Up

ALTER TABLE reserve ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai' CHECK (time_zone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)+$');

-- case_describe: migrations/functions/case_describe.sql holds its body.

-- +goose Down
ALTER TABLE reserve DROP COLUMN time_zone;
