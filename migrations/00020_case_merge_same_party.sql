-- The 50 m / 30 days rule of case intake (00004) joined any finding of the
-- same activity near an open case to it, whoever it was about: 13 visitors
-- seen at one spot became one person's case. A finding now joins a case by
-- place and time only when it is about the same subject (both naming none
-- counts as the same) or names the same party; the same-subject, same-day
-- rule is unchanged. Only the function's body changes: the trigger that
-- calls it (00004) and the case text triggers of 00040/00041, which read
-- the case it opens or extends, stay as they are.

-- +goose Up
-- case_intake_finding: migrations/functions/case_intake_finding.sql holds its body.

-- +goose Down
