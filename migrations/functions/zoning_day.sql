-- zoning_day is p_day, or else the day of p_at in the reserve's time zone.
CREATE OR REPLACE FUNCTION zoning_day(p_reserve bigint, p_day date, p_at timestamptz) RETURNS date LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_day IS NOT NULL OR p_at IS NULL THEN
        RETURN p_day;
    END IF;
    RETURN (p_at AT TIME ZONE (SELECT r.time_zone FROM reserve r WHERE r.id = p_reserve))::date;
END $$;
