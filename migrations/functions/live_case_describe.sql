-- live_case_describe writes the title, description and party of a case
-- opened from a live finding (the intake opens it as a 'system' case, which
-- case_describe leaves alone; this trigger runs after it, by name).
CREATE OR REPLACE FUNCTION live_case_describe() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    f   finding%ROWTYPE;
    ev  record;
    res text;
BEGIN
    IF NEW.source <> 'system' THEN
        RETURN NEW;
    END IF;
    SELECT * INTO f FROM finding fd
    WHERE fd.source = 'live' AND fd.reserve_id = NEW.reserve_id AND fd.kind = NEW.kind AND fd.activity = NEW.activity AND fd.geom = NEW.geom
      AND NOT EXISTS (SELECT 1 FROM case_evidence e WHERE e.finding_id = fd.id)
    ORDER BY fd.id DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;
    SELECT e.device_id, e.depth_m INTO ev FROM live_event e WHERE e.id = f.live_event_id;
    SELECT coalesce(nullif(r.name_zh, ''), r.name_en) INTO res FROM reserve r WHERE r.id = NEW.reserve_id;
    NEW.title := case_subject_zh(f.subject_kind) || '进入' || case_zone_zh(NEW.zone_kind);
    NEW.description := format('%s（%s）的定位设备 %s 于 %s 实时报告进入%s%s，深入边界 %s 米。',
        f.subject, case_subject_zh(f.subject_kind), ev.device_id, case_local_time(f.observed_at, NEW.timezone),
        res, case_zone_zh(NEW.zone_kind), round(coalesce(ev.depth_m, 0))::bigint);
    NEW.party_name := f.subject;
    NEW.party_kind := CASE WHEN f.subject_kind IN ('visitor', 'research_permit', 'original_resident') THEN 'person' ELSE 'unknown' END;
    NEW.auto_text := true;
    RETURN NEW;
END $$;
