-- A case's created, transition and overdue events queue a notification for
-- every active webhook (delivered by the case job).
CREATE OR REPLACE FUNCTION case_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind IN ('created', 'transition', 'overdue') THEN
        INSERT INTO notification (event_id, case_id, url)
            SELECT NEW.id, NEW.case_id, w.url FROM webhook w WHERE w.active;
    END IF;
    RETURN NULL;
END $$;
