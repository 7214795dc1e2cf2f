/**
 * Declared quality rules of the example region that the catalog cannot imply:
 * - timeliness: a household registration (登记日期) or a social-security enrolment (参保日期) older than three
 *   years is stale;
 * - accuracy (准确性), joined on the citizen identity number: each department's copy of a person's name agrees
 *   with the authoritative source, the household register (一数一源: the population foundation takes names from
 *   `hukou`); a newborn's registered birth date agrees with the birth certificate (出生医学证明, 卫健委), the
 *   document it is entered from. The generator's manifest gives the expected counts (`files[…].accuracy`);
 * - on the 2026 elderly-care subsidy topic table: everyone listed is 80 or older and has a county — a topic rule
 *   like these gates any model built from the topic table (`gongshu build`).
 * - keys held to 100%: every department dataset sets `keyRules: { mostly: 1 }` rather than the platform's default
 *   99% (`KEY_RULES_MOSTLY`, which keeps a few quarantined rows from blocking models). The example is dirty on
 *   purpose and its scores must order the datasets by their real defect rates, key defects included; the demo
 *   builds without gates (`npm start` says so).
 * The population and legal-entity foundations need no declaration: their key rules and the conflicts of their
 * compared fields are assessed once they are built.
 */
import { between, defineQuality, freshness, matchesSource, notNull } from '../../quality/index.ts';

/** The household register: the authoritative source of names and birth dates. */
const HUKOU = 'hukou';

/** The example holds every department's keys to 100% (see the module comment). */
const keyRules = { mostly: 1 } as const;

/** The example region's declared rules (the catalog derives the rest). */
export const xinjiangQuality = [
  defineQuality('hukou', {
    keyRules,
    rules: [
      freshness('registered_on', { maxAge: '3 years' }),
      matchesSource('birth_date', {
        dataset: 'births_deaths',
        column: 'event_date',
        compareAs: 'date',
        where: "record_type = '出生'",
      }),
    ],
  }),
  defineQuality('social_security', {
    keyRules,
    rules: [freshness('enrolled_on', { maxAge: '3 years' }), matchesSource('name', { dataset: HUKOU })],
  }),
  defineQuality('marriage', {
    keyRules,
    rules: [matchesSource('husband_name', { dataset: HUKOU, column: 'name' })],
  }),
  defineQuality('births_deaths', {
    keyRules,
    rules: [matchesSource('name', { dataset: HUKOU })],
  }),
  defineQuality('enterprises', { keyRules }),
  defineQuality('social_orgs', { keyRules }),
  defineQuality('institutions', { keyRules }),
  defineQuality('topic.elderly_subsidy_2026', {
    rules: [between('age_2026', 80, null), notNull('county')],
  }),
];
