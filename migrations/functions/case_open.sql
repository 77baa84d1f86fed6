-- case_open numbers, routes and stores a new case registered at p_at with
-- its 'created' event and returns its id. The number is the reserve code, the
-- year of registration in the case's time zone and a sequence per reserve and year,
-- taken under the counter row's lock (concurrency-safe, no gaps on commit).
CREATE OR REPLACE FUNCTION case_open(p_reserve bigint, p_source text, p_source_ref text, p_kind text, p_title text, p_description text,
                          p_zone_kind text, p_geom geometry, p_activity text, p_articles text[], p_basis_zh text, p_basis_en text,
                          p_subject text, p_party_name text, p_party_kind text, p_party_id text, p_observed timestamptz,
                          p_marker bigint, p_actor text, p_comment text, p_at timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    pt    geometry := ST_PointOnSurface(p_geom);
    r     record;
    tz    text := (SELECT rs.time_zone FROM reserve rs WHERE rs.id = p_reserve);
    zk    text := p_zone_kind;
    yr    integer;
    n     integer;
    code  text;
    cid   bigint;
BEGIN
    SELECT * INTO r FROM case_route(pt, p_reserve);
    IF r.area IS NOT NULL THEN
        SELECT a.timezone INTO tz FROM admin_area a WHERE a.id = r.area;
    END IF;
    IF zk IS NULL THEN
        SELECT zp.kind INTO zk FROM zone_piece zp WHERE zp.reserve_id = p_reserve AND ST_Intersects(zp.geom, p_geom)
        ORDER BY case_zone_rank(zp.kind)
        LIMIT 1;
    END IF;
    yr := extract(year FROM p_at AT TIME ZONE tz);
    INSERT INTO case_counter AS cc (reserve_id, year, last) VALUES (p_reserve, yr, 1)
        ON CONFLICT (reserve_id, year) DO UPDATE SET last = cc.last + 1
        RETURNING last INTO n;
    SELECT rs.code INTO code FROM reserve rs WHERE rs.id = p_reserve;
    INSERT INTO violation_case (number, reserve_id, year, seq, source, source_ref, kind, title, description, zone_kind, geom, point,
                                activity, articles, basis_zh, basis_en, subject, party_name, party_kind, party_id, area_id, cell_id,
                                timezone, marker_id, observed_at, last_seen_at, reported_at)
    VALUES (code || '-' || yr || '-' || CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END, p_reserve, yr, n,
            p_source, p_source_ref, p_kind, p_title, p_description, zk, p_geom, pt, p_activity, p_articles, p_basis_zh, p_basis_en,
            p_subject, p_party_name, p_party_kind, p_party_id, r.area, r.cell, tz, p_marker, p_observed, p_observed, p_at)
    RETURNING id INTO cid;
    INSERT INTO case_event (case_id, version, actor, kind, to_status, comment, data)
    VALUES (cid, 1, p_actor, 'created', 'reported', p_comment, jsonb_build_object(
        'source', p_source, 'kind', p_kind, 'activity', p_activity, 'zone_kind', zk,
        'area', (SELECT a.code FROM admin_area a WHERE a.id = r.area),
        'grid_cell', (SELECT c.code FROM grid_cell c WHERE c.id = r.cell)));
    RETURN cid;
END $$;
