-- Case intake once more, joining two changes that each restated the whole
-- function: 00015 (a case moved to a stricter zone takes that finding's
-- wording, articles, legal basis and penalty) and 00020 (a finding joins a
-- case by place only when it is about the same subject or party), whose
-- restatement had dropped 00015's change. Observations are the exception to
-- 00020: the subject of a ranger's observation (subject kind patrol) is the
-- ranger who saw the act, not the one who did it, so such an observation
-- joins, by place and time, a case that rangers' observations already
-- support (two rangers reporting one logging site make one case).

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_intake_finding() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    f      jsonb := to_jsonb(NEW);
    subj   text := coalesce(f->>'subject', '');
    seen   timestamptz := coalesce((f->>'observed_at')::timestamptz, NEW.created_at);
    party  text := '';
    pkind  text := 'unknown';
    src    text;
    title  text;
    cid    bigint;
    trk    bigint := (f->>'track_id')::bigint;
    scr    bigint := (f->>'screening_id')::bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7305, NEW.reserve_id::integer);
    IF NEW.source = 'screening' THEN
        SELECT coalesce(nullif(s.developer, ''), s.project_name), s.developer, s.created_at,
               coalesce(nullif(s.project_name, ''), s.developer)
            INTO subj, party, seen, title FROM screening s WHERE s.id = scr;
        IF party <> '' THEN pkind := 'enterprise'; END IF;
        src := 'screening';
    ELSIF NEW.source IN ('track', 'observation') THEN
        src := 'patrol';
        party := subj;
        IF coalesce(f->>'subject_kind', '') IN ('visitor', 'research_permit') THEN pkind := 'person'; END IF;
        title := subj;
    ELSE
        src := 'system';
    END IF;
    subj := coalesce(subj, '');
    SELECT c.id INTO cid FROM violation_case c
    WHERE c.reserve_id = NEW.reserve_id AND c.status NOT IN ('dismissed', 'closed') AND c.activity = NEW.activity
      AND ((subj <> '' AND c.subject = subj
            AND (c.zone_kind IS NOT DISTINCT FROM NEW.zone_kind
                 OR EXISTS (SELECT 1 FROM case_evidence e JOIN finding ef ON ef.id = e.finding_id WHERE e.case_id = c.id AND ef.zone_kind = NEW.zone_kind))
            AND (seen AT TIME ZONE c.timezone)::date BETWEEN (c.observed_at AT TIME ZONE c.timezone)::date
                                                     AND (c.last_seen_at AT TIME ZONE c.timezone)::date)
           OR ((c.subject = subj OR (party <> '' AND c.party_name = party)
                OR (NEW.source = 'observation' AND f->>'subject_kind' = 'patrol'
                    AND EXISTS (SELECT 1 FROM case_evidence e JOIN finding ef ON ef.id = e.finding_id
                                WHERE e.case_id = c.id AND ef.source = 'observation' AND ef.subject_kind = 'patrol')))
               AND (ST_DWithin(c.geom::geography, NEW.geom::geography, 50)
                OR EXISTS (SELECT 1 FROM case_evidence e JOIN finding ef ON ef.id = e.finding_id
                           WHERE e.case_id = c.id AND ST_DWithin(ef.geom::geography, NEW.geom::geography, 50)))
               AND seen BETWEEN c.observed_at - interval '30 days' AND c.last_seen_at + interval '30 days'))
    ORDER BY c.id
    LIMIT 1
    FOR UPDATE;
    IF cid IS NULL THEN
        cid := case_open(NEW.reserve_id, src, '', NEW.kind, coalesce(title, ''), NEW.basis_zh, NEW.zone_kind, NEW.geom, NEW.activity,
                         NEW.articles, NEW.basis_zh, NEW.basis_en, subj, coalesce(party, ''), pkind, '', seen, NULL, 'system',
                         format('opened from finding %s (%s)', NEW.id, NEW.source), now());
    ELSE
        PERFORM case_add_evidence(cid, seen, 'system', jsonb_build_object('finding', NEW.id, 'source', NEW.source, 'kind', NEW.kind,
                                                                         'zone_kind', NEW.zone_kind, 'track', trk, 'screening', scr));
        -- evidence from a stricter zone (a buffer intrusion that went on
        -- into the core) makes the case one of that zone, with that
        -- finding's wording, articles, legal basis and penalty (00015)
        UPDATE violation_case SET zone_kind = NEW.zone_kind, articles = NEW.articles, basis_zh = NEW.basis_zh, basis_en = NEW.basis_en,
               legal_basis = CASE WHEN NEW.legal_basis <> '[]' THEN NEW.legal_basis ELSE legal_basis END,
               penalty = coalesce(NEW.penalty, penalty)
        WHERE id = cid AND case_zone_rank(NEW.zone_kind) < case_zone_rank(zone_kind);
    END IF;
    INSERT INTO case_evidence (case_id, kind, finding_id, track_id, screening_id, note, added_by)
    VALUES (cid, 'finding', NEW.id, trk, scr, NEW.basis_zh, 'system');
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_intake_finding() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    f      jsonb := to_jsonb(NEW);
    subj   text := coalesce(f->>'subject', '');
    seen   timestamptz := coalesce((f->>'observed_at')::timestamptz, NEW.created_at);
    party  text := '';
    pkind  text := 'unknown';
    src    text;
    title  text;
    cid    bigint;
    trk    bigint := (f->>'track_id')::bigint;
    scr    bigint := (f->>'screening_id')::bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7305, NEW.reserve_id::integer);
    IF NEW.source = 'screening' THEN
        SELECT coalesce(nullif(s.developer, ''), s.project_name), s.developer, s.created_at,
               coalesce(nullif(s.project_name, ''), s.developer)
            INTO subj, party, seen, title FROM screening s WHERE s.id = scr;
        IF party <> '' THEN pkind := 'enterprise'; END IF;
        src := 'screening';
    ELSIF NEW.source IN ('track', 'observation') THEN
        src := 'patrol';
        party := subj;
        IF coalesce(f->>'subject_kind', '') IN ('visitor', 'research_permit') THEN pkind := 'person'; END IF;
        title := subj;
    ELSE
        src := 'system';
    END IF;
    subj := coalesce(subj, '');
    SELECT c.id INTO cid FROM violation_case c
    WHERE c.reserve_id = NEW.reserve_id AND c.status NOT IN ('dismissed', 'closed') AND c.activity = NEW.activity
      AND ((subj <> '' AND c.subject = subj
            AND (c.zone_kind IS NOT DISTINCT FROM NEW.zone_kind
                 OR EXISTS (SELECT 1 FROM case_evidence e JOIN finding ef ON ef.id = e.finding_id WHERE e.case_id = c.id AND ef.zone_kind = NEW.zone_kind))
            AND (seen AT TIME ZONE c.timezone)::date BETWEEN (c.observed_at AT TIME ZONE c.timezone)::date
                                                     AND (c.last_seen_at AT TIME ZONE c.timezone)::date)
           OR ((c.subject = subj OR (party <> '' AND c.party_name = party))
               AND (ST_DWithin(c.geom::geography, NEW.geom::geography, 50)
                OR EXISTS (SELECT 1 FROM case_evidence e JOIN finding ef ON ef.id = e.finding_id
                           WHERE e.case_id = c.id AND ST_DWithin(ef.geom::geography, NEW.geom::geography, 50)))
               AND seen BETWEEN c.observed_at - interval '30 days' AND c.last_seen_at + interval '30 days'))
    ORDER BY c.id
    LIMIT 1
    FOR UPDATE;
    IF cid IS NULL THEN
        cid := case_open(NEW.reserve_id, src, '', NEW.kind, coalesce(title, ''), NEW.basis_zh, NEW.zone_kind, NEW.geom, NEW.activity,
                         NEW.articles, NEW.basis_zh, NEW.basis_en, subj, coalesce(party, ''), pkind, '', seen, NULL, 'system',
                         format('opened from finding %s (%s)', NEW.id, NEW.source), now());
    ELSE
        PERFORM case_add_evidence(cid, seen, 'system', jsonb_build_object('finding', NEW.id, 'source', NEW.source, 'kind', NEW.kind,
                                                                         'zone_kind', NEW.zone_kind, 'track', trk, 'screening', scr));
        -- evidence from a stricter zone (a buffer intrusion that went on
        -- into the core) makes the case one of that zone
        UPDATE violation_case SET zone_kind = NEW.zone_kind
        WHERE id = cid AND case_zone_rank(NEW.zone_kind) < case_zone_rank(zone_kind);
    END IF;
    INSERT INTO case_evidence (case_id, kind, finding_id, track_id, screening_id, note, added_by)
    VALUES (cid, 'finding', NEW.id, trk, scr, NEW.basis_zh, 'system');
    RETURN NULL;
END $$;
-- +goose StatementEnd

