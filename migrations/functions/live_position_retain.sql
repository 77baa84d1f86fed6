-- live_position_retain drops the partitions of days before cutoff and
-- returns how many it dropped.
CREATE OR REPLACE FUNCTION live_position_retain(cutoff date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    p record;
    n integer := 0;
BEGIN
    FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'live_position'::regclass AND c.relname ~ '^live_position_[0-9]{8}$'
    LOOP
        IF to_date(substr(p.relname, 15), 'YYYYMMDD') < cutoff THEN
            EXECUTE format('DROP TABLE %I', p.relname);
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END $$;
