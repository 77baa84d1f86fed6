-- The law as data: instruments (each version of a law or regulation) with
-- their articles, paragraphs and items, loaded from the texts shipped in
-- internal/law/texts by `warden migrate` and at start; rule sets (one per
-- instrument version and jurisdiction) whose rules cite them. Foreign keys
-- keep every citation pointing at a stored article, paragraph or item.

-- +goose Up
CREATE TABLE law_instrument (
    code           text PRIMARY KEY CHECK (code ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    title_zh       text NOT NULL DEFAULT '',
    title_en       text NOT NULL DEFAULT '',
    short_zh       text NOT NULL DEFAULT '',
    short_en       text NOT NULL DEFAULT '',
    issuer         text NOT NULL DEFAULT '',
    published      date,
    in_force_from  date NOT NULL,
    in_force_until date CHECK (in_force_until IS NULL OR in_force_until >= in_force_from),
    replaced_by    text REFERENCES law_instrument (code) DEFERRABLE INITIALLY DEFERRED,
    excerpts       boolean NOT NULL DEFAULT false,
    official       boolean NOT NULL DEFAULT false,
    -- language of the authentic text (zh for Chinese law)
    lang           text NOT NULL DEFAULT 'zh',
    CHECK (title_zh <> '' OR title_en <> '')
);

CREATE TABLE law_article (
    instrument text NOT NULL REFERENCES law_instrument (code) ON DELETE CASCADE,
    number     integer NOT NULL CHECK (number > 0),
    label      text NOT NULL,
    text       text NOT NULL,
    PRIMARY KEY (instrument, number)
);

CREATE TABLE law_paragraph (
    instrument text NOT NULL,
    article    integer NOT NULL,
    number     integer NOT NULL CHECK (number > 0),
    text       text NOT NULL,
    PRIMARY KEY (instrument, article, number),
    FOREIGN KEY (instrument, article) REFERENCES law_article ON DELETE CASCADE
);

CREATE TABLE law_item (
    instrument text NOT NULL,
    article    integer NOT NULL,
    paragraph  integer NOT NULL,
    number     integer NOT NULL CHECK (number > 0),
    label      text NOT NULL,
    text       text NOT NULL,
    PRIMARY KEY (instrument, article, paragraph, number),
    FOREIGN KEY (instrument, article, paragraph) REFERENCES law_paragraph ON DELETE CASCADE
);

-- Activities rules are written for, with Chinese names and other names
-- accepted in their place (采石 for quarrying).
CREATE TABLE law_activity (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
    ordinal integer NOT NULL,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    aliases text[] NOT NULL DEFAULT '{}',
    note_zh text NOT NULL DEFAULT '',
    note_en text NOT NULL DEFAULT ''
);

-- A rule set: the rules of one instrument version for one jurisdiction and
-- zone scheme. family groups the versions that follow each other in time
-- (cn-nature-reserve: 2017 then 2026); the one in force on the day of an
-- act judges it. document is the rule set as loaded (the JSON format of
-- internal/law/rulesets, README "Rule sets").
CREATE TABLE law_rule_set (
    code           text PRIMARY KEY CHECK (code ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    family         text NOT NULL,
    title_zh       text NOT NULL DEFAULT '',
    title_en       text NOT NULL DEFAULT '',
    instrument     text NOT NULL REFERENCES law_instrument (code),
    zone_scheme    text NOT NULL CHECK (zone_scheme IN ('three_zone', 'two_zone')),
    in_force_from  date NOT NULL,
    in_force_until date CHECK (in_force_until IS NULL OR in_force_until >= in_force_from),
    shipped        boolean NOT NULL DEFAULT false,
    document       jsonb NOT NULL,
    loaded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX law_rule_set_family ON law_rule_set (family, in_force_from);

-- Every article, paragraph or item a rule or penalty of a rule set cites.
-- The composite foreign keys are MATCH SIMPLE: a citation of a whole article
-- leaves paragraph and item NULL and is checked against law_article only.
CREATE TABLE law_citation (
    rule_set   text NOT NULL REFERENCES law_rule_set (code) ON DELETE CASCADE,
    instrument text NOT NULL,
    article    integer NOT NULL,
    paragraph  integer,
    item       integer,
    CHECK (item IS NULL OR paragraph IS NOT NULL),
    FOREIGN KEY (instrument, article) REFERENCES law_article,
    FOREIGN KEY (instrument, article, paragraph) REFERENCES law_paragraph,
    FOREIGN KEY (instrument, article, paragraph, item) REFERENCES law_item
);
CREATE UNIQUE INDEX law_citation_unique ON law_citation (rule_set, instrument, article, coalesce(paragraph, 0), coalesce(item, 0));

-- Which rule set family judges a reserve; NULL: the Chinese nature-reserve
-- family (cn-nature-reserve), by the date of the act.
ALTER TABLE reserve ADD COLUMN rule_family text;

-- +goose Down
ALTER TABLE reserve DROP COLUMN rule_family;
DROP TABLE law_citation;
DROP TABLE law_rule_set;
DROP TABLE law_activity;
DROP TABLE law_item;
DROP TABLE law_paragraph;
DROP TABLE law_article;
DROP TABLE law_instrument;
