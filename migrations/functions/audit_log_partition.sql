-- audit_log_partition makes the audit log's partition of the month of m
-- (UTC) if it is missing and returns its name. Processes making it at once
-- take turns under an advisory lock on the name.
CREATE OR REPLACE FUNCTION audit_log_partition(m date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    first date := date_trunc('month', m)::date;
    name text := 'audit_log_' || to_char(m, 'YYYYMM');
BEGIN
    IF to_regclass(name) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(name));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)', name,
                           first::timestamp AT TIME ZONE 'UTC', (first + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        END IF;
    END IF;
    RETURN name;
END $$;
