-- Scale-out: state that several `warden serve` processes on one database
-- share.
--
-- rate_limit: one row per limiter and key (an address, a user name, a
-- token's owner), the key's "theoretical arrival time" of the generic cell
-- rate algorithm (a token bucket kept as one timestamp): an event is allowed
-- when tat, moved on by the event's cost, is no further ahead of now than the
-- limiter's period. One INSERT ... ON CONFLICT DO UPDATE takes an event, so
-- the hot path is a single statement on a single row, without locks held
-- between statements. ok says whether the last attempt was allowed. The table
-- is UNLOGGED: it is not written to the WAL (cheap) and is emptied after a
-- crash, which only forgives the counts of the last minutes. Rows whose tat
-- has passed are full buckets, the same as no row, and are swept.
--
-- job_lease: which process runs each background job (overdue cases and
-- their webhooks, live positions' checks and deliveries, the sweep). The
-- holder renews before expires_at; when it dies, another process takes the
-- lease once it has expired.

-- +goose Up
CREATE UNLOGGED TABLE rate_limit (
    limiter text NOT NULL,
    key     text NOT NULL,
    tat     timestamptz NOT NULL,
    ok      boolean NOT NULL DEFAULT true,
    PRIMARY KEY (limiter, key)
);

CREATE TABLE job_lease (
    name        text PRIMARY KEY,
    holder      text NOT NULL,
    acquired_at timestamptz NOT NULL DEFAULT now(),
    renewed_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE job_lease;
DROP TABLE rate_limit;
