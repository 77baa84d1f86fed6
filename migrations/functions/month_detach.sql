-- month_detach detaches parent's month partitions (see month_partition)
-- that end on or before the day before (UTC) and returns how many: they
-- stay as tables of their own, out of the table's queries, for the owner to
-- archive and drop; no row is deleted. A month that another table still
-- refers to (findings that are evidence of a case) stays attached.
CREATE OR REPLACE FUNCTION month_detach(parent text, before date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    p record;
    n integer := 0;
BEGIN
    IF parent NOT IN ('audit_log', 'finding', 'track_segment') THEN
        RAISE EXCEPTION 'month_detach: % is not a table partitioned by month', parent;
    END IF;
    FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = parent::regclass AND c.relname ~ ('^' || parent || '_[0-9]{6}$')
               AND (to_date(right(c.relname, 6), 'YYYYMM') + interval '1 month')::date <= before
             ORDER BY c.relname LOOP
        BEGIN
            EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, p.relname);
            n := n + 1;
        EXCEPTION WHEN foreign_key_violation THEN
            RAISE NOTICE 'month_detach: % stays: %', p.relname, SQLERRM;
        END;
    END LOOP;
    RETURN n;
END $$;
