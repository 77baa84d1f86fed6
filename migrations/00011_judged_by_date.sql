-- Judgments under the law in force on the day of the act: screenings keep
-- the day they were judged for (started_on, the start of construction, or
-- the screening date) and the rule sets used; findings and cases carry their
-- legal basis (provisions quoted from law_article / law_paragraph / law_item)
-- and penalty, checked by a constraint trigger so none names a provision the
-- tables lack. The activity vocabulary grows to the law's lists, and the
-- article codes stored before (NRR-26 ...) map to the 2017 Regulations.

-- +goose Up
ALTER TABLE screening
    ADD COLUMN started_on date,
    ADD COLUMN judged_on date,
    ADD COLUMN rule_sets text[] NOT NULL DEFAULT '{}';

ALTER TABLE finding
    ADD COLUMN legal_basis jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(legal_basis) = 'array'),
    ADD COLUMN penalty jsonb,
    ADD COLUMN rule_set text REFERENCES law_rule_set (code);

ALTER TABLE violation_case
    ADD COLUMN legal_basis jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(legal_basis) = 'array'),
    ADD COLUMN penalty jsonb;

-- +goose StatementBegin
-- law_basis_missing returns the first provision of a legal_basis array that
-- the law tables lack, or NULL when every one is stored.
CREATE FUNCTION law_basis_missing(basis jsonb) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('%s art. %s ¶%s (%s)', b->>'instrument', b->>'article', coalesce(b->>'paragraph', '-'), coalesce(b->>'item', '-'))
    FROM jsonb_array_elements(basis) b
    WHERE NOT EXISTS (SELECT 1 FROM law_article a WHERE a.instrument = b->>'instrument' AND a.number = (b->>'article')::int)
       OR (b ? 'paragraph' AND NOT EXISTS (SELECT 1 FROM law_paragraph p WHERE p.instrument = b->>'instrument'
                                           AND p.article = (b->>'article')::int AND p.number = (b->>'paragraph')::int))
       OR (b ? 'item' AND NOT EXISTS (SELECT 1 FROM law_item i WHERE i.instrument = b->>'instrument' AND i.article = (b->>'article')::int
                                      AND i.paragraph = (b->>'paragraph')::int AND i.number = (b->>'item')::int))
    LIMIT 1
$$;

-- law_basis_check: migrations/functions/law_basis_check.sql holds its body.
CREATE FUNCTION law_basis_check() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd

CREATE TRIGGER finding_law_basis BEFORE INSERT OR UPDATE OF legal_basis ON finding
    FOR EACH ROW EXECUTE FUNCTION law_basis_check();
CREATE TRIGGER violation_case_law_basis BEFORE INSERT OR UPDATE OF legal_basis ON violation_case
    FOR EACH ROW EXECUTE FUNCTION law_basis_check();

-- The article codes of the old rule table and of marker cases, as
-- provisions of the 2017 Regulations. NPA-2019 (the 2019 guiding opinions on
-- protected areas) is policy, not an instrument Warden ships: it maps to
-- nothing. The texts are loaded after the migrations, so the stored rows are
-- given their legal_basis by law.Sync.
CREATE TABLE law_legacy_article (
    code       text PRIMARY KEY,
    instrument text NOT NULL,
    article    integer NOT NULL,
    paragraph  integer
);
INSERT INTO law_legacy_article (code, instrument, article, paragraph) VALUES
    ('NRR-15', 'nrr-2017', 15, 2),
    ('NRR-18', 'nrr-2017', 18, NULL),
    ('NRR-26', 'nrr-2017', 26, NULL),
    ('NRR-27', 'nrr-2017', 27, 1),
    ('NRR-28', 'nrr-2017', 28, 1),
    ('NRR-29', 'nrr-2017', 29, NULL),
    ('NRR-32', 'nrr-2017', 32, NULL),
    ('NRR-34', 'nrr-2017', 34, 1);

-- The activities of the law's lists (2026 Arts. 26, 27, 34 ¶3) and of field
-- work, so screenings and findings can name them (law_activity has their
-- Chinese aliases).
INSERT INTO screening_activity (code, ordinal, name_zh, name_en) VALUES
    ('patrol_monitoring', 19, '调查监测、管护巡护', 'survey, monitoring and patrol'),
    ('ecological_restoration', 20, '生态修复', 'ecological restoration'),
    ('basic_surveying', 21, '基础测绘', 'basic surveying and mapping'),
    ('heritage_protection', 22, '文物和其他文化遗产保护', 'protection of cultural relics and other cultural heritage'),
    ('disaster_prevention', 23, '防灾减灾', 'disaster prevention and mitigation'),
    ('emergency_rescue', 24, '应急救援', 'emergency rescue'),
    ('law_enforcement', 25, '执法', 'law enforcement'),
    ('resident_production_living', 26, '原有居民生产生活', 'original residents'' production and living'),
    ('farming', 27, '耕种', 'farming'),
    ('existing_infrastructure', 28, '已有重要基础设施的运行、维护、改造', 'operation, maintenance and renovation of existing important infrastructure'),
    ('linear_infrastructure_crossing', 29, '穿越地下、水下或者空中的线性基础设施建设', 'linear infrastructure crossing underground, underwater or in the air'),
    ('national_security', 30, '维护国家安全、实施国家重大战略的活动', 'activities for national security or national major strategies'),
    ('national_major_project', 31, '国家重大项目建设', 'construction of a national major project'),
    ('state_council_approved', 32, '法律、行政法规规定或者国务院批准的其他活动', 'other activities provided by law or approved by the State Council'),
    ('planned_infrastructure', 33, '符合国土空间规划的重要基础设施建设', 'important infrastructure in the territorial spatial plan'),
    ('fossil_survey', 34, '古生物化石调查发掘', 'palaeontological fossil survey and excavation'),
    ('geological_survey', 35, '基础地质调查', 'basic geological survey'),
    ('strategic_mineral_exploration', 36, '战略性矿产资源远景调查和勘查', 'strategic-mineral reconnaissance and exploration'),
    ('rewilding_breeding', 37, '珍稀濒危野生动植物的野化、繁殖', 'rewilding and breeding of rare and endangered wildlife'),
    ('forest_tending', 38, '人工商品林抚育、树种更新等森林经营', 'tending and renewal of commercial plantation forest'),
    ('science_education', 39, '科普宣传', 'science education and outreach'),
    ('eco_tourism', 40, '生态旅游', 'eco-tourism'),
    ('education_culture_sport', 41, '教育文化体育活动', 'education, culture and sport'),
    ('inconsistent_tourism', 42, '与保护目标不一致的参观、旅游项目', 'visit or tourism projects inconsistent with the protection goals'),
    ('road', 43, '修建道路', 'road building'),
    ('power_line', 44, '架设输电线路', 'power line'),
    ('pipeline', 45, '铺设管道', 'pipeline'),
    ('hydropower', 46, '水电开发', 'hydropower'),
    ('housing', 47, '建房', 'housing'),
    ('marker_damage', 48, '损毁、移动界线标志', 'damaging or moving boundary markers');

-- +goose Down
DELETE FROM screening_activity WHERE ordinal >= 19;
DROP TABLE law_legacy_article;
DROP TRIGGER violation_case_law_basis ON violation_case;
DROP TRIGGER finding_law_basis ON finding;
DROP FUNCTION law_basis_check();
DROP FUNCTION law_basis_missing(jsonb);
ALTER TABLE violation_case DROP COLUMN legal_basis, DROP COLUMN penalty;
ALTER TABLE finding DROP COLUMN legal_basis, DROP COLUMN penalty, DROP COLUMN rule_set;
ALTER TABLE screening DROP COLUMN started_on, DROP COLUMN judged_on, DROP COLUMN rule_sets;
