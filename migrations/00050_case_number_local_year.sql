-- A case's number takes the year of registration in the case's time zone:
-- its administrative area's, else its reserve's (reserve.time_zone, 00041),
-- no longer Asia/Shanghai for every case in no area. A case registered on
-- 31 December at 23:00 in Europe/Madrid is numbered in that year, though it
-- is already 1 January in Beijing.

-- +goose Up
-- case_open: migrations/functions/case_open.sql holds its body.

-- +goose Down
