-- live_position_partition makes the partition of day d (UTC) if it is
-- missing and returns its name. Concurrent first fixes of a day (from
-- many requests, or many processes) take turns under an advisory lock on
-- the partition's name, so that only one creates it and none fails.
CREATE OR REPLACE FUNCTION live_position_partition(d date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    name text := 'live_position_' || to_char(d, 'YYYYMMDD');
BEGIN
    IF to_regclass(name) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(name));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF live_position FOR VALUES FROM (%L) TO (%L)',
                           name, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
        END IF;
    END IF;
    RETURN name;
END $$;
