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

-- case_local_time: migrations/functions/case_local_time.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION case_local_time(t timestamptz, tz text) RETURNS text LANGUAGE plpgsql STABLE AS $$ BEGIN RAISE EXCEPTION 'case_local_time: its body is in migrations/functions'; END $$;
-- +goose StatementEnd

-- case_describe: migrations/functions/case_describe.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION case_describe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER case_describe BEFORE INSERT ON violation_case
    FOR EACH ROW EXECUTE FUNCTION case_describe();

-- case_redescribe: migrations/functions/case_redescribe.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION case_redescribe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
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
