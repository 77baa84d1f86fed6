-- What a case opened from a finding says, and who it names. The reporter is
-- not the violator: a waypoint a ranger marks (an observation) is a report,
-- so the ranger becomes the case's reporter and the party (违法主体) stays
-- unknown until an officer identifies it; a visitor's or vehicle's own
-- track makes its subject the party. The title says what happened
-- ("访客进入核心区", "核心区内采石") and the description names the track or
-- project, the reserve, the zone and the depth or area, all from the finding
-- the case opens with, times in the case's time zone with their offset. When
-- later evidence moves the case to a stricter zone, the title follows the
-- zone field. These are triggers on violation_case, apart from the intake
-- function, so that changes to how findings merge into cases need no change
-- here.

-- +goose Up

ALTER TABLE violation_case
    ADD COLUMN reporter  text NOT NULL DEFAULT '',
    -- title and description were written by case_describe (not by a person)
    ADD COLUMN auto_text boolean NOT NULL DEFAULT false;

-- +goose StatementBegin
CREATE FUNCTION case_zone_zh(k text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE k WHEN 'core' THEN '核心区' WHEN 'buffer' THEN '缓冲区' WHEN 'experimental' THEN '实验区'
                  WHEN 'peripheral' THEN '外围保护地带' WHEN 'core_protection' THEN '核心保护区'
                  WHEN 'general_control' THEN '一般控制区' ELSE '保护区' END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION case_subject_zh(k text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE k WHEN 'visitor' THEN '访客' WHEN 'vehicle' THEN '车辆' WHEN 'research_permit' THEN '科研人员'
                  WHEN 'patrol' THEN '巡护人员' WHEN 'original_resident' THEN '原住居民' ELSE '身份不明人员' END
$$;
-- +goose StatementEnd

-- case_local_time writes t in the time zone tz with its offset, as people
-- read it: 2026-12-06 10:16 +08:00.
-- +goose StatementBegin
CREATE FUNCTION case_local_time(t timestamptz, tz text) RETURNS text LANGUAGE plpgsql STABLE AS $$
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
-- +goose StatementEnd

-- case_describe writes the title, description, party and reporter of a case
-- opened from a finding (the newest finding of the case's reserve, kind,
-- activity and geometry that no case holds yet: the one being taken in).
-- +goose StatementBegin
CREATE FUNCTION case_describe() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    f       finding%ROWTYPE;
    zone    text := case_zone_zh(NEW.zone_kind);
    act     text;
    res     text;
    v       record;
    o       record;
    s       record;
BEGIN
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
-- +goose StatementEnd
CREATE TRIGGER case_describe BEFORE INSERT ON violation_case
    FOR EACH ROW EXECUTE FUNCTION case_describe();

-- case_redescribe keeps a generated title in step with the zone field when
-- evidence from a stricter zone moves the case there, and says so in the
-- description; a title or description a person wrote is theirs.
-- +goose StatementBegin
CREATE FUNCTION case_redescribe() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.title IS DISTINCT FROM OLD.title OR NEW.description IS DISTINCT FROM OLD.description THEN
        NEW.auto_text := false;
    ELSIF NEW.auto_text AND NEW.zone_kind IS DISTINCT FROM OLD.zone_kind THEN
        NEW.title := replace(NEW.title, case_zone_zh(OLD.zone_kind), case_zone_zh(NEW.zone_kind));
        NEW.description := NEW.description || format('后续证据位于%s。', case_zone_zh(NEW.zone_kind));
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER case_redescribe BEFORE UPDATE ON violation_case
    FOR EACH ROW EXECUTE FUNCTION case_redescribe();

-- +goose Down
DROP TRIGGER case_redescribe ON violation_case;
DROP FUNCTION case_redescribe();
DROP TRIGGER case_describe ON violation_case;
DROP FUNCTION case_describe();
DROP FUNCTION case_local_time(timestamptz, text);
DROP FUNCTION case_subject_zh(text);
DROP FUNCTION case_zone_zh(text);
ALTER TABLE violation_case DROP COLUMN auto_text, DROP COLUMN reporter;
