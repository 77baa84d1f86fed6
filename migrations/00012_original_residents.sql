-- Original residents (原有居民) as a subject kind of tracks: the 2026
-- Regulations allow their necessary production and living within the
-- existing scale (Arts. 26(2), 27(1), 29), so their tracks are judged apart
-- from visitors'.

-- +goose Up
ALTER TABLE track DROP CONSTRAINT track_subject_kind_check,
    ADD CONSTRAINT track_subject_kind_check
        CHECK (subject_kind IN ('patrol', 'research_permit', 'original_resident', 'visitor', 'vehicle', 'unknown'));

-- +goose Down
ALTER TABLE track DROP CONSTRAINT track_subject_kind_check,
    ADD CONSTRAINT track_subject_kind_check CHECK (subject_kind IN ('patrol', 'research_permit', 'visitor', 'vehicle', 'unknown'));
