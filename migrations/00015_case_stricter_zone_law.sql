-- A case that moves to a stricter zone (a buffer intrusion that went on
-- into the core) takes the wording, articles, legal basis and penalty of the
-- finding that moved it, instead of keeping the first zone's.

-- +goose Up
-- case_intake_finding: migrations/functions/case_intake_finding.sql holds its body.

-- +goose Down
