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
-- case_intake_finding: migrations/functions/case_intake_finding.sql holds its body.

-- +goose Down

