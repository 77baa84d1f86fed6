-- month_partition makes the partition of the month of m (UTC) of parent, a
-- table partitioned by month (audit_log by at, finding by created_at,
-- track_segment by fixes_end), if it is missing, and returns its name.
-- Rows of that month waiting in the table's default partition (the fixes
-- of an old patrol uploaded before its month was made) move into it first;
-- findings that are a case's evidence cannot move so (the reference holds
-- them), which is why the job makes every month three months ahead.
-- Processes making it at once take turns under an advisory lock on the
-- name. It runs as the schema's owner for the runtime role, so parent is
-- checked against the tables it serves.
CREATE OR REPLACE FUNCTION month_partition(parent text, m date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    key text := CASE parent WHEN 'audit_log' THEN 'at' WHEN 'finding' THEN 'created_at' WHEN 'track_segment' THEN 'fixes_end' END;
    first timestamptz := date_trunc('month', m)::timestamp AT TIME ZONE 'UTC';
    next timestamptz := (date_trunc('month', m) + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    name text := parent || '_' || to_char(m, 'YYYYMM');
    waiting boolean;
BEGIN
    IF key IS NULL THEN
        RAISE EXCEPTION 'month_partition: % is not a table partitioned by month', parent;
    END IF;
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext(name));
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= $1 AND %I < $2)', parent || '_default', key, key) INTO waiting USING first, next;
    IF NOT waiting THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', name, parent, first, next);
        RETURN name;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name, parent);
    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
                   parent || '_default', key, key, name) USING first, next;
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, name, first, next);
    RETURN name;
END $$;
