-- case_add_evidence records that a case gained evidence: the version moves
-- on, the case's time span widens, and an 'evidence' event says what came.
CREATE OR REPLACE FUNCTION case_add_evidence(p_case bigint, p_seen timestamptz, p_actor text, p_data jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v integer;
BEGIN
    UPDATE violation_case SET version = version + 1, updated_at = now(),
           observed_at = least(observed_at, coalesce(p_seen, observed_at)),
           last_seen_at = greatest(last_seen_at, coalesce(p_seen, last_seen_at))
    WHERE id = p_case RETURNING version INTO v;
    INSERT INTO case_event (case_id, version, actor, kind, data) VALUES (p_case, v, p_actor, 'evidence', p_data);
END $$;
