-- Project-site screening: the rule table (activities × zone kinds → verdict,
-- with the articles it rests on) kept as data, the screenings themselves with
-- their inputs and results, and the findings they raise for enforcement.

-- +goose Up

-- Articles of the rules that verdicts cite, quoted. Chinese is the authentic
-- text; the English is an unofficial working translation.
CREATE TABLE screening_article (
    code     text PRIMARY KEY,
    ordinal  integer NOT NULL UNIQUE,
    title_zh text NOT NULL,
    title_en text NOT NULL,
    short_zh text NOT NULL,
    short_en text NOT NULL,
    text_zh  text NOT NULL,
    text_en  text NOT NULL
);

-- Activities a project or visit can be screened for.
CREATE TABLE screening_activity (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
    ordinal integer NOT NULL UNIQUE,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    note_zh text NOT NULL DEFAULT '',
    note_en text NOT NULL DEFAULT ''
);

-- The verdict for an activity in a zone kind, the articles it rests on
-- (screening_article codes, checked by the trigger below) and, for
-- needs_approval and allowed, the condition attached.
CREATE TABLE screening_rule (
    activity  text NOT NULL REFERENCES screening_activity (code) ON DELETE CASCADE,
    zone_kind text NOT NULL CHECK (zone_kind IN ('core', 'buffer', 'experimental', 'peripheral', 'core_protection', 'general_control')),
    verdict   text NOT NULL CHECK (verdict IN ('prohibited', 'needs_approval', 'allowed')),
    articles  text[] NOT NULL CHECK (cardinality(articles) > 0),
    note_zh   text NOT NULL DEFAULT '',
    note_en   text NOT NULL DEFAULT '',
    PRIMARY KEY (activity, zone_kind)
);

-- +goose StatementBegin
-- screening_rule_check: migrations/functions/screening_rule_check.sql holds its body.
CREATE FUNCTION screening_rule_check() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER screening_rule_check BEFORE INSERT OR UPDATE ON screening_rule
    FOR EACH ROW EXECUTE FUNCTION screening_rule_check();

-- One screening: its inputs (activity, project, search distance, footprint
-- as screened, in EPSG:4326, and where it came from), the overall verdict and
-- the full result as returned by the API.
CREATE TABLE screening (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity           text NOT NULL REFERENCES screening_activity (code),
    project_name       text NOT NULL DEFAULT '',
    developer          text NOT NULL DEFAULT '',
    project_status     text NOT NULL CHECK (project_status IN ('proposed', 'under_construction', 'existing')),
    distance_m         double precision NOT NULL CHECK (distance_m > 0 AND distance_m <= 50000),
    source_format      text NOT NULL,
    source_name        text NOT NULL DEFAULT '',
    source_crs         integer NOT NULL DEFAULT 4326,
    footprint          geometry(Geometry, 4326) NOT NULL,
    verdict            text NOT NULL CHECK (verdict IN ('prohibited', 'needs_approval', 'allowed', 'outside')),
    -- codes of the reserves within distance_m, for the list filter
    reserves           text[] NOT NULL DEFAULT '{}',
    result             jsonb NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX screening_created ON screening (created_at);
CREATE INDEX screening_reserves ON screening USING gin (reserves);
CREATE INDEX screening_footprint ON screening USING gist (footprint);

-- Findings: something the system found that enforcement should follow up,
-- the input of violation cases. A screening raises one finding of kind
-- unapproved_construction (未批先建) per reserve and zone kind where a project
-- that is under construction or existing does what is prohibited there.
-- geom is the part of the footprint inside that zone kind.
CREATE TABLE finding (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('unapproved_construction')),
    reserve_id   bigint NOT NULL REFERENCES reserve (id) ON DELETE CASCADE,
    zone_kind    text NOT NULL CHECK (zone_kind IN ('core', 'buffer', 'experimental', 'peripheral', 'core_protection', 'general_control')),
    geom         geometry(Geometry, 4326) NOT NULL,
    activity     text NOT NULL REFERENCES screening_activity (code),
    articles     text[] NOT NULL,
    basis_zh     text NOT NULL,
    basis_en     text NOT NULL,
    source       text NOT NULL CHECK (source IN ('screening')),
    screening_id bigint REFERENCES screening (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (source <> 'screening' OR screening_id IS NOT NULL)
);
CREATE INDEX finding_screening ON finding (screening_id);
CREATE INDEX finding_reserve ON finding (reserve_id, created_at);
CREATE INDEX finding_geom ON finding USING gist (geom);

INSERT INTO screening_article (code, ordinal, title_zh, title_en, short_zh, short_en, text_zh, text_en) VALUES
    ('NRR-18', 1, '《中华人民共和国自然保护区条例》第十八条', 'Regulations of the People''s Republic of China on Nature Reserves, Article 18',
     '《自然保护区条例》第十八条', 'Regulations on Nature Reserves, Art. 18',
     '自然保护区可以分为核心区、缓冲区和实验区。自然保护区内保存完好的天然状态的生态系统以及珍稀、濒危动植物的集中分布地，应当划为核心区，禁止任何单位和个人进入；除依照本条例第二十七条的规定经批准外，也不允许进入从事科学研究活动。核心区外围可以划定一定面积的缓冲区，只准进入从事科学研究观测活动。缓冲区外围划为实验区，可以进入从事科学试验、教学实习、参观考察、旅游以及驯化、繁殖珍稀、濒危野生动植物等活动。原批准建立自然保护区的人民政府认为必要时，可以在自然保护区的外围划定一定面积的外围保护地带。',
     'A nature reserve may be divided into a core zone, a buffer zone and an experimental zone. Well-preserved natural ecosystems and places where rare and endangered animals and plants are concentrated shall form the core zone, which no unit or individual may enter; nor may anyone enter it for scientific research except with approval under Article 27. A buffer zone of a certain area may be designated around the core zone, which may be entered only for scientific research and observation. The area around the buffer zone is the experimental zone, which may be entered for scientific experiments, teaching practice, visits and study, tourism, and the domestication and breeding of rare and endangered wild animals and plants. Where the people''s government that approved the reserve deems it necessary, it may designate a peripheral protection belt of a certain area around the reserve.'),
    ('NRR-26', 2, '《中华人民共和国自然保护区条例》第二十六条', 'Regulations of the People''s Republic of China on Nature Reserves, Article 26',
     '《自然保护区条例》第二十六条', 'Regulations on Nature Reserves, Art. 26',
     '禁止在自然保护区内进行砍伐、放牧、狩猎、捕捞、采药、开垦、烧荒、开矿、采石、挖沙等活动；但是，法律、行政法规另有规定的除外。',
     'Logging, grazing, hunting, fishing, gathering medicinal herbs, land clearing, burning, mining, quarrying, sand digging and similar activities are prohibited in nature reserves, except where laws or administrative regulations provide otherwise.'),
    ('NRR-27', 3, '《中华人民共和国自然保护区条例》第二十七条', 'Regulations of the People''s Republic of China on Nature Reserves, Article 27',
     '《自然保护区条例》第二十七条', 'Regulations on Nature Reserves, Art. 27',
     '禁止任何人进入自然保护区的核心区。因科学研究的需要，必须进入核心区从事科学研究观测、调查活动的，应当事先向自然保护区管理机构提交申请和活动计划，并经自然保护区管理机构批准；其中，进入国家级自然保护区核心区的，应当经省、自治区、直辖市人民政府有关自然保护区行政主管部门批准。自然保护区核心区内原有居民确有必要迁出的，由自然保护区所在地的地方人民政府予以妥善安置。',
     'No one may enter the core zone of a nature reserve. Whoever must enter the core zone for scientific research and observation or survey shall first submit an application and an activity plan to the reserve administration and obtain its approval; entry into the core zone of a national nature reserve shall be approved by the competent department for nature reserves of the people''s government of the province, autonomous region or municipality. Where residents of the core zone must move out, the local people''s government shall resettle them properly.'),
    ('NRR-28', 4, '《中华人民共和国自然保护区条例》第二十八条', 'Regulations of the People''s Republic of China on Nature Reserves, Article 28',
     '《自然保护区条例》第二十八条', 'Regulations on Nature Reserves, Art. 28',
     '禁止在自然保护区的缓冲区开展旅游和生产经营活动。因教学科研的目的，需要进入自然保护区的缓冲区从事非破坏性的科学研究、教学实习和标本采集活动的，应当事先向自然保护区管理机构提交申请和活动计划，经自然保护区管理机构批准。从事前款活动的单位和个人，应当将其活动成果的副本提交自然保护区管理机构。',
     'Tourism and production or business activities are prohibited in the buffer zone of a nature reserve. Whoever needs to enter the buffer zone for teaching or research, to carry out non-destructive scientific research, teaching practice or specimen collection, shall first submit an application and an activity plan to the reserve administration and obtain its approval. They shall submit a copy of the results of the activity to the reserve administration.'),
    ('NRR-29', 5, '《中华人民共和国自然保护区条例》第二十九条', 'Regulations of the People''s Republic of China on Nature Reserves, Article 29',
     '《自然保护区条例》第二十九条', 'Regulations on Nature Reserves, Art. 29',
     '在自然保护区的实验区内开展参观、旅游活动的，由自然保护区管理机构编制方案，方案应当符合自然保护区管理目标。在自然保护区组织参观、旅游活动的，应当严格按照前款规定的方案进行，并加强管理；进入自然保护区参观、旅游的单位和个人，应当服从自然保护区管理机构的管理。严禁开设与自然保护区保护方向不一致的参观、旅游项目。',
     'For visits and tourism in the experimental zone of a nature reserve, the reserve administration draws up a plan, which shall accord with the reserve''s management objectives. Visits and tourism organised in a reserve shall follow that plan strictly and be well managed; units and individuals visiting the reserve shall obey the reserve administration. Visits or tourism projects at odds with the reserve''s conservation aims are strictly prohibited.'),
    ('NRR-32', 6, '《中华人民共和国自然保护区条例》第三十二条', 'Regulations of the People''s Republic of China on Nature Reserves, Article 32',
     '《自然保护区条例》第三十二条', 'Regulations on Nature Reserves, Art. 32',
     '在自然保护区的核心区和缓冲区内，不得建设任何生产设施。在自然保护区的实验区内，不得建设污染环境、破坏资源或者景观的生产设施；建设其他项目，其污染物排放不得超过国家和地方规定的污染物排放标准。在自然保护区的实验区内已经建成的设施，其污染物排放超过国家和地方规定的排放标准的，应当限期治理；造成损害的，必须采取补救措施。在自然保护区的外围保护地带建设的项目，不得损害自然保护区内的环境质量；已造成损害的，应当限期治理。限期治理决定由法律、法规规定的机关作出，被限期治理的企业事业单位必须按期完成治理任务。',
     'No production facilities of any kind may be built in the core zone or the buffer zone of a nature reserve. In the experimental zone, no production facilities that pollute the environment or damage resources or the landscape may be built; the emissions of other projects built there shall not exceed national and local emission standards. Facilities already built in the experimental zone whose emissions exceed those standards shall be brought into compliance within a set time, and damage done shall be remedied. Projects built in the peripheral protection belt shall not harm the environmental quality of the reserve; where they have, they shall be brought into compliance within a set time. The decision to do so is made by the authority that laws and regulations designate, and the enterprise or institution concerned must complete the work on time.'),
    ('NPA-2019', 7, '《关于建立以国家公园为主体的自然保护地体系的指导意见》“实行自然保护地差别化管控”', 'Guiding Opinions on Establishing a Protected Area System with National Parks as the Main Body (2019), "differentiated control of protected areas"',
     '《关于建立以国家公园为主体的自然保护地体系的指导意见》', 'Guiding Opinions on the Protected Area System (2019)',
     '国家公园和自然保护区实行分区管控，原则上核心保护区内禁止人为活动，一般控制区内限制人为活动。',
     'National parks and nature reserves are managed by zones: in principle, human activity is prohibited in the core protection zone and restricted in the general control zone.');

INSERT INTO screening_activity (code, ordinal, name_zh, name_en, note_zh, note_en) VALUES
    ('entry', 1, '进入', 'entry', '进入保护区，不从事下列其他活动', 'entering the reserve, without any of the other activities listed'),
    ('research_observation', 2, '科学研究观测、调查', 'scientific research, observation and survey', '', ''),
    ('research_sampling', 3, '标本采集', 'specimen collection', '教学科研目的的非破坏性标本采集', 'non-destructive specimen collection for teaching or research'),
    ('teaching', 4, '教学实习', 'teaching practice', '', ''),
    ('tourism', 5, '参观、旅游', 'visits and tourism', '', ''),
    ('production_facility', 6, '建设生产设施', 'building production facilities', '厂房、养殖场、加工设施等', 'factories, farms, processing plants and the like'),
    ('non_production_facility', 7, '建设非生产设施', 'building non-production facilities', '道路、输电线路、管道、旅游设施等', 'roads, power lines, pipelines, tourism facilities and the like'),
    ('polluting_facility', 8, '建设污染环境、破坏资源或者景观的设施', 'building facilities that pollute or damage resources or the landscape', '', ''),
    ('logging', 9, '砍伐', 'logging', '', ''),
    ('grazing', 10, '放牧', 'grazing', '', ''),
    ('hunting', 11, '狩猎', 'hunting', '', ''),
    ('fishing', 12, '捕捞', 'fishing', '', ''),
    ('herb_gathering', 13, '采药', 'gathering medicinal herbs', '', ''),
    ('land_clearing', 14, '开垦', 'land clearing', '', ''),
    ('burning', 15, '烧荒', 'burning', '', ''),
    ('mining', 16, '开矿', 'mining', '', ''),
    ('quarrying', 17, '采石', 'quarrying', '', ''),
    ('sand_digging', 18, '挖沙', 'sand digging', '', '');

INSERT INTO screening_rule (activity, zone_kind, verdict, articles, note_zh, note_en) VALUES
    ('entry', 'core', 'prohibited', '{NRR-18,NRR-27}', '', ''),
    ('entry', 'buffer', 'prohibited', '{NRR-18}', '', ''),
    ('entry', 'experimental', 'allowed', '{NRR-18}', '须服从自然保护区管理机构的管理', 'subject to the reserve administration'),
    ('entry', 'peripheral', 'allowed', '{NRR-18}', '外围保护地带位于自然保护区之外', 'the peripheral belt lies outside the reserve'),
    ('entry', 'core_protection', 'prohibited', '{NPA-2019,NRR-27}', '', ''),
    ('entry', 'general_control', 'allowed', '{NPA-2019}', '一般控制区内限制人为活动，须服从自然保护区管理机构的管理', 'human activity is restricted in the general control zone and subject to the reserve administration'),
    ('research_observation', 'core', 'needs_approval', '{NRR-27}', '须事先向自然保护区管理机构提交申请和活动计划并经批准；国家级自然保护区须经省级人民政府有关自然保护区行政主管部门批准', 'apply in advance to the reserve administration with an activity plan; for a national reserve the provincial competent department must approve'),
    ('research_observation', 'buffer', 'needs_approval', '{NRR-18,NRR-28}', '须事先向自然保护区管理机构提交申请和活动计划，经管理机构批准，并提交活动成果副本', 'apply in advance to the reserve administration with an activity plan, obtain its approval, and submit a copy of the results'),
    ('research_observation', 'experimental', 'allowed', '{NRR-18}', '须服从自然保护区管理机构的管理', 'subject to the reserve administration'),
    ('research_observation', 'peripheral', 'allowed', '{NRR-18}', '外围保护地带位于自然保护区之外', 'the peripheral belt lies outside the reserve'),
    ('research_observation', 'core_protection', 'needs_approval', '{NPA-2019,NRR-27}', '须事先向自然保护区管理机构提交申请和活动计划并经批准；国家级自然保护区须经省级人民政府有关自然保护区行政主管部门批准', 'apply in advance to the reserve administration with an activity plan; for a national reserve the provincial competent department must approve'),
    ('research_observation', 'general_control', 'allowed', '{NPA-2019,NRR-18}', '一般控制区内限制人为活动，须服从自然保护区管理机构的管理', 'human activity is restricted in the general control zone and subject to the reserve administration'),
    ('research_sampling', 'core', 'prohibited', '{NRR-18,NRR-27}', '', ''),
    ('research_sampling', 'buffer', 'needs_approval', '{NRR-28}', '须事先向自然保护区管理机构提交申请和活动计划，经管理机构批准，并提交活动成果副本', 'apply in advance to the reserve administration with an activity plan, obtain its approval, and submit a copy of the results'),
    ('research_sampling', 'experimental', 'allowed', '{NRR-18}', '须服从自然保护区管理机构的管理', 'subject to the reserve administration'),
    ('research_sampling', 'peripheral', 'allowed', '{NRR-18}', '外围保护地带位于自然保护区之外', 'the peripheral belt lies outside the reserve'),
    ('research_sampling', 'core_protection', 'prohibited', '{NPA-2019,NRR-27}', '', ''),
    ('research_sampling', 'general_control', 'needs_approval', '{NPA-2019,NRR-28}', '须事先向自然保护区管理机构提交申请和活动计划，经管理机构批准，并提交活动成果副本', 'apply in advance to the reserve administration with an activity plan, obtain its approval, and submit a copy of the results'),
    ('teaching', 'core', 'prohibited', '{NRR-18,NRR-27}', '', ''),
    ('teaching', 'buffer', 'needs_approval', '{NRR-28}', '须事先向自然保护区管理机构提交申请和活动计划，经管理机构批准，并提交活动成果副本', 'apply in advance to the reserve administration with an activity plan, obtain its approval, and submit a copy of the results'),
    ('teaching', 'experimental', 'allowed', '{NRR-18}', '须服从自然保护区管理机构的管理', 'subject to the reserve administration'),
    ('teaching', 'peripheral', 'allowed', '{NRR-18}', '外围保护地带位于自然保护区之外', 'the peripheral belt lies outside the reserve'),
    ('teaching', 'core_protection', 'prohibited', '{NPA-2019,NRR-27}', '', ''),
    ('teaching', 'general_control', 'allowed', '{NPA-2019,NRR-18}', '一般控制区内限制人为活动，须服从自然保护区管理机构的管理', 'human activity is restricted in the general control zone and subject to the reserve administration'),
    ('tourism', 'core', 'prohibited', '{NRR-18,NRR-27}', '', ''),
    ('tourism', 'buffer', 'prohibited', '{NRR-28}', '', ''),
    ('tourism', 'experimental', 'needs_approval', '{NRR-29}', '须按自然保护区管理机构编制的方案进行，不得开设与保护方向不一致的参观、旅游项目', 'only under the plan drawn up by the reserve administration; no visits or tourism projects at odds with the reserve''s conservation aims'),
    ('tourism', 'peripheral', 'allowed', '{NRR-18}', '外围保护地带位于自然保护区之外', 'the peripheral belt lies outside the reserve'),
    ('tourism', 'core_protection', 'prohibited', '{NPA-2019,NRR-27}', '', ''),
    ('tourism', 'general_control', 'needs_approval', '{NPA-2019,NRR-29}', '须按自然保护区管理机构编制的方案进行，不得开设与保护方向不一致的参观、旅游项目', 'only under the plan drawn up by the reserve administration; no visits or tourism projects at odds with the reserve''s conservation aims'),
    ('production_facility', 'core', 'prohibited', '{NRR-32}', '', ''),
    ('production_facility', 'buffer', 'prohibited', '{NRR-28,NRR-32}', '', ''),
    ('production_facility', 'experimental', 'needs_approval', '{NRR-32}', '不得污染环境、破坏资源或者景观，污染物排放不得超过国家和地方规定的排放标准', 'must not pollute the environment or damage resources or the landscape; emissions must not exceed national and local standards'),
    ('production_facility', 'peripheral', 'needs_approval', '{NRR-32}', '外围保护地带内建设的项目不得损害自然保护区内的环境质量', 'projects in the peripheral belt must not harm the environmental quality of the reserve'),
    ('production_facility', 'core_protection', 'prohibited', '{NPA-2019,NRR-32}', '', ''),
    ('production_facility', 'general_control', 'needs_approval', '{NPA-2019,NRR-32}', '不得污染环境、破坏资源或者景观，污染物排放不得超过国家和地方规定的排放标准', 'must not pollute the environment or damage resources or the landscape; emissions must not exceed national and local standards'),
    ('non_production_facility', 'core', 'prohibited', '{NRR-18,NRR-27}', '', ''),
    ('non_production_facility', 'buffer', 'prohibited', '{NRR-18,NRR-28}', '', ''),
    ('non_production_facility', 'experimental', 'needs_approval', '{NRR-29,NRR-32}', '须符合自然保护区总体规划和参观旅游方案，污染物排放不得超过国家和地方标准', 'must fit the reserve''s master plan and tourism plan; emissions must not exceed national and local standards'),
    ('non_production_facility', 'peripheral', 'needs_approval', '{NRR-32}', '外围保护地带内建设的项目不得损害自然保护区内的环境质量', 'projects in the peripheral belt must not harm the environmental quality of the reserve'),
    ('non_production_facility', 'core_protection', 'prohibited', '{NPA-2019,NRR-27}', '', ''),
    ('non_production_facility', 'general_control', 'needs_approval', '{NPA-2019,NRR-32}', '不得污染环境、破坏资源或者景观，污染物排放不得超过国家和地方规定的排放标准', 'must not pollute the environment or damage resources or the landscape; emissions must not exceed national and local standards'),
    ('polluting_facility', 'core', 'prohibited', '{NRR-32}', '', ''),
    ('polluting_facility', 'buffer', 'prohibited', '{NRR-32}', '', ''),
    ('polluting_facility', 'experimental', 'prohibited', '{NRR-32}', '', ''),
    ('polluting_facility', 'peripheral', 'needs_approval', '{NRR-32}', '外围保护地带内建设的项目不得损害自然保护区内的环境质量', 'projects in the peripheral belt must not harm the environmental quality of the reserve'),
    ('polluting_facility', 'core_protection', 'prohibited', '{NPA-2019,NRR-32}', '', ''),
    ('polluting_facility', 'general_control', 'prohibited', '{NPA-2019,NRR-32}', '', ''),
    ('logging', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('logging', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('logging', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('logging', 'peripheral', 'allowed', '{NRR-18}', '本条例不限制外围保护地带内的该项活动，但森林法、野生动物保护法、渔业法等法律仍然适用', 'these Regulations do not restrict it in the peripheral belt, but the Forest Law, the Wildlife Protection Law, the Fisheries Law and other laws still apply'),
    ('logging', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('logging', 'general_control', 'prohibited', '{NRR-26}', '', ''),
    ('grazing', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('grazing', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('grazing', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('grazing', 'peripheral', 'allowed', '{NRR-18}', '本条例不限制外围保护地带内的该项活动，但森林法、野生动物保护法、渔业法等法律仍然适用', 'these Regulations do not restrict it in the peripheral belt, but the Forest Law, the Wildlife Protection Law, the Fisheries Law and other laws still apply'),
    ('grazing', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('grazing', 'general_control', 'prohibited', '{NRR-26}', '', ''),
    ('hunting', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('hunting', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('hunting', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('hunting', 'peripheral', 'allowed', '{NRR-18}', '本条例不限制外围保护地带内的该项活动，但森林法、野生动物保护法、渔业法等法律仍然适用', 'these Regulations do not restrict it in the peripheral belt, but the Forest Law, the Wildlife Protection Law, the Fisheries Law and other laws still apply'),
    ('hunting', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('hunting', 'general_control', 'prohibited', '{NRR-26}', '', ''),
    ('fishing', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('fishing', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('fishing', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('fishing', 'peripheral', 'allowed', '{NRR-18}', '本条例不限制外围保护地带内的该项活动，但森林法、野生动物保护法、渔业法等法律仍然适用', 'these Regulations do not restrict it in the peripheral belt, but the Forest Law, the Wildlife Protection Law, the Fisheries Law and other laws still apply'),
    ('fishing', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('fishing', 'general_control', 'prohibited', '{NRR-26}', '', ''),
    ('herb_gathering', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('herb_gathering', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('herb_gathering', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('herb_gathering', 'peripheral', 'allowed', '{NRR-18}', '本条例不限制外围保护地带内的该项活动，但森林法、野生动物保护法、渔业法等法律仍然适用', 'these Regulations do not restrict it in the peripheral belt, but the Forest Law, the Wildlife Protection Law, the Fisheries Law and other laws still apply'),
    ('herb_gathering', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('herb_gathering', 'general_control', 'prohibited', '{NRR-26}', '', ''),
    ('land_clearing', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('land_clearing', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('land_clearing', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('land_clearing', 'peripheral', 'needs_approval', '{NRR-32}', '外围保护地带内建设的项目不得损害自然保护区内的环境质量', 'projects in the peripheral belt must not harm the environmental quality of the reserve'),
    ('land_clearing', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('land_clearing', 'general_control', 'prohibited', '{NRR-26}', '', ''),
    ('burning', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('burning', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('burning', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('burning', 'peripheral', 'needs_approval', '{NRR-32}', '外围保护地带内建设的项目不得损害自然保护区内的环境质量', 'projects in the peripheral belt must not harm the environmental quality of the reserve'),
    ('burning', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('burning', 'general_control', 'prohibited', '{NRR-26}', '', ''),
    ('mining', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('mining', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('mining', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('mining', 'peripheral', 'needs_approval', '{NRR-32}', '外围保护地带内建设的项目不得损害自然保护区内的环境质量', 'projects in the peripheral belt must not harm the environmental quality of the reserve'),
    ('mining', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('mining', 'general_control', 'prohibited', '{NRR-26}', '', ''),
    ('quarrying', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('quarrying', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('quarrying', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('quarrying', 'peripheral', 'needs_approval', '{NRR-32}', '外围保护地带内建设的项目不得损害自然保护区内的环境质量', 'projects in the peripheral belt must not harm the environmental quality of the reserve'),
    ('quarrying', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('quarrying', 'general_control', 'prohibited', '{NRR-26}', '', ''),
    ('sand_digging', 'core', 'prohibited', '{NRR-26}', '', ''),
    ('sand_digging', 'buffer', 'prohibited', '{NRR-26}', '', ''),
    ('sand_digging', 'experimental', 'prohibited', '{NRR-26}', '', ''),
    ('sand_digging', 'peripheral', 'needs_approval', '{NRR-32}', '外围保护地带内建设的项目不得损害自然保护区内的环境质量', 'projects in the peripheral belt must not harm the environmental quality of the reserve'),
    ('sand_digging', 'core_protection', 'prohibited', '{NPA-2019,NRR-26}', '', ''),
    ('sand_digging', 'general_control', 'prohibited', '{NRR-26}', '', '');

-- +goose Down
DROP TABLE finding;
DROP TABLE screening;
DROP TRIGGER screening_rule_check ON screening_rule;
DROP TABLE screening_rule;
DROP FUNCTION screening_rule_check();
DROP TABLE screening_activity;
DROP TABLE screening_article;
