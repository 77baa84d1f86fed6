-- audit_log_detach detaches the audit log's month partitions that end on or
-- before the day before (UTC) and returns how many: they stay as tables of
-- their own, out of the log's queries, for the owner to archive and drop.
-- No row is deleted.
CREATE OR REPLACE FUNCTION audit_log_detach(before date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    p record;
    n integer := 0;
BEGIN
    FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'audit_log'::regclass AND c.relname ~ '^audit_log_[0-9]{6}$'
               AND (to_date(substr(c.relname, 11), 'YYYYMM') + interval '1 month')::date <= before
             ORDER BY c.relname LOOP
        EXECUTE format('ALTER TABLE audit_log DETACH PARTITION %I', p.relname);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
