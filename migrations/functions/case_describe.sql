-- case_describe writes the title, description, party and reporter of a case
-- opened from a finding (the newest finding of the case's reserve, kind,
-- activity and geometry that no case holds yet: the one being taken in).
CREATE OR REPLACE FUNCTION case_describe() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    f       finding%ROWTYPE;
    zone    text := case_zone_zh(NEW.zone_kind);
    act     text;
    res     text;
    v       record;
    o       record;
    s       record;
BEGIN
    IF NEW.area_id IS NULL THEN
        -- in no administrative area: the reserve's own time zone
        SELECT r.time_zone INTO NEW.timezone FROM reserve r WHERE r.id = NEW.reserve_id;
    END IF;
    IF NEW.source NOT IN ('patrol', 'screening') THEN
        RETURN NEW;
    END IF;
    SELECT * INTO f FROM finding fd
    WHERE fd.reserve_id = NEW.reserve_id AND fd.kind = NEW.kind AND fd.activity = NEW.activity AND fd.geom = NEW.geom
      AND NOT EXISTS (SELECT 1 FROM case_evidence e WHERE e.finding_id = fd.id)
    ORDER BY fd.id DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;
    SELECT coalesce(nullif(a.name_zh, ''), a.code) INTO act FROM screening_activity a WHERE a.code = NEW.activity;
    act := coalesce(act, NEW.activity);
    SELECT coalesce(nullif(r.name_zh, ''), r.name_en) INTO res FROM reserve r WHERE r.id = NEW.reserve_id;
    IF f.source = 'track' THEN
        -- the subject's own track: the subject is the party
        SELECT zv.entered_at, zv.duration_s, zv.length_m, zv.max_depth_m INTO v FROM zone_visit zv WHERE zv.id = f.visit_id;
        NEW.title := CASE WHEN f.kind = 'unpermitted_entry' THEN '无许可' ELSE '' END || case_subject_zh(f.subject_kind) || '进入' || zone;
        NEW.description := format('%s（%s）的轨迹 #%s 于 %s 进入%s%s，深入 %s 米，停留约 %s 分钟，区内行程 %s 米。',
            f.subject, case_subject_zh(f.subject_kind), f.track_id, case_local_time(coalesce(v.entered_at, f.observed_at), NEW.timezone),
            res, zone, round(coalesce(v.max_depth_m, 0))::bigint, round(coalesce(v.duration_s, 0) / 60)::bigint, round(coalesce(v.length_m, 0))::bigint);
        NEW.reporter := '';
    ELSIF f.source = 'observation' THEN
        -- a waypoint marked on a patrol is a report: whoever did it is not known yet
        SELECT ob.name, ob.description, ob.observed_at INTO o FROM observation ob WHERE ob.id = f.observation_id;
        NEW.title := zone || '内' || act;
        NEW.description := format('%s %s 在轨迹 #%s 上报告：%s，时间 %s，位于%s%s。违法主体待查明。',
            case_subject_zh(f.subject_kind), f.subject, f.track_id,
            coalesce(nullif(concat_ws('，', nullif(o.name, ''), nullif(o.description, '')), ''), act),
            case_local_time(coalesce(o.observed_at, f.observed_at), NEW.timezone), res, zone);
        NEW.reporter := f.subject;
        NEW.party_name := '';
        NEW.party_kind := 'unknown';
        NEW.party_id := '';
    ELSIF f.source = 'screening' THEN
        SELECT sc.id, sc.project_name, sc.developer, sc.project_status, sc.created_at INTO s FROM screening sc WHERE sc.id = f.screening_id;
        NEW.title := zone || '内' || act || CASE WHEN s.project_status IN ('under_construction', 'existing') THEN '（未批先建）' ELSE '' END;
        NEW.description := format('建设项目「%s」（建设单位：%s）选址与%s%s重叠 %s 公顷（选址筛查 #%s，%s）。',
            coalesce(nullif(s.project_name, ''), '未命名'), coalesce(nullif(s.developer, ''), '不详'), res, zone,
            to_char(ST_Area(f.geom::geography) / 10000, 'FM999,999,990.00'), s.id, case_local_time(s.created_at, NEW.timezone));
    ELSE
        RETURN NEW;
    END IF;
    NEW.auto_text := true;
    RETURN NEW;
END $$;
