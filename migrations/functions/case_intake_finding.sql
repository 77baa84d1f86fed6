-- case_intake_finding turns a new finding, from any source, into a case or
-- into evidence on the open case it repeats: the same activity in the same
-- reserve, and either the same subject in the same zone kind on the same
-- (local) day, or within 50 m and 30 days (of the case's location or of any
-- finding already on it). Intake takes a per-reserve lock so
-- two findings arriving at once cannot open two cases. Columns that only
-- some sources have are read through to_jsonb, so a source that lands later
-- needs no change here.
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
    INSERT INTO case_evidence (case_id, kind, finding_id, finding_at, track_id, screening_id, note, added_by)
    VALUES (cid, 'finding', NEW.id, NEW.created_at, trk, scr, NEW.basis_zh, 'system');
    RETURN NULL;
END $$;
