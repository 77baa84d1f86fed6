-- case_intake_marker opens a marker_check case when a marker check finds a
-- marker damaged, missing or moved (Regulations on Nature Reserves, Art. 15:
-- no one may move a reserve's boundary markers without authorisation;
-- Art. 34 (1) penalises moving or damaging them), or adds the new state as
-- evidence on the marker's open case.
CREATE OR REPLACE FUNCTION case_intake_marker() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cid bigint;
    zh  text := CASE NEW.status WHEN 'damaged' THEN '损坏' WHEN 'missing' THEN '缺失' ELSE '被移动' END;
    day date := CASE WHEN NEW.last_inspected_on IS DISTINCT FROM OLD.last_inspected_on THEN NEW.last_inspected_on END;
    seen timestamptz := now();
BEGIN
    PERFORM pg_advisory_xact_lock(7305, NEW.reserve_id::integer);
    SELECT c.id INTO cid FROM violation_case c
    WHERE c.marker_id = NEW.id AND c.status NOT IN ('dismissed', 'closed') ORDER BY c.id LIMIT 1 FOR UPDATE;
    IF cid IS NULL THEN
        cid := case_open(NEW.reserve_id, 'marker_check', '', 'marker_' || NEW.status, format('界桩%s%s', NEW.code, zh),
                         format('界桩巡查发现界桩%s%s（原状态：%s）。%s', NEW.code, zh, OLD.status, NEW.note), NULL, NEW.geom, 'marker_damage',
                         '{NRR-15,NRR-34}',
                         '依据《自然保护区条例》第十五条，任何单位和个人不得擅自移动自然保护区的界标；第三十四条对擅自移动或者破坏界标的行为规定了处罚。',
                         'Regulations on Nature Reserves, Art. 15: no unit or individual may move a reserve''s boundary markers without authorisation; Art. 34 penalises moving or damaging them.',
                         NEW.code, '', 'unknown', '', now(), NEW.id, 'system', format('opened from the check of marker %s', NEW.code), now());
        IF day IS NOT NULL THEN
            UPDATE violation_case SET observed_at = day::timestamp AT TIME ZONE timezone, last_seen_at = day::timestamp AT TIME ZONE timezone
            WHERE id = cid;
        END IF;
    ELSE
        IF day IS NOT NULL THEN
            SELECT day::timestamp AT TIME ZONE c.timezone INTO seen FROM violation_case c WHERE c.id = cid;
        END IF;
        PERFORM case_add_evidence(cid, seen, 'system', jsonb_build_object('marker', NEW.code, 'status', NEW.status));
    END IF;
    INSERT INTO case_evidence (case_id, kind, marker_id, note, added_by)
    VALUES (cid, 'marker', NEW.id, format('%s: %s → %s', NEW.code, OLD.status, NEW.status), 'system');
    RETURN NULL;
END $$;
