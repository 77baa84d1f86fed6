-- case_local_time writes t in the time zone tz with its offset, as people
-- read it: 2026-12-06 10:16 +08:00.
CREATE OR REPLACE FUNCTION case_local_time(t timestamptz, tz text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    off interval;
BEGIN
    IF t IS NULL THEN
        RETURN '';
    END IF;
    off := (t AT TIME ZONE tz) - (t AT TIME ZONE 'UTC');
    RETURN to_char(t AT TIME ZONE tz, 'YYYY-MM-DD HH24:MI') || ' ' || CASE WHEN off < interval '0' THEN '-' ELSE '+' END
        || to_char(abs(extract(epoch FROM off))::integer / 3600, 'FM00') || ':'
        || to_char(abs(extract(epoch FROM off))::integer % 3600 / 60, 'FM00');
END $$;
