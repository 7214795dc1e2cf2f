/**
 * The example region's theme (主题库) and topic (专题库) models, built from the foundations by `gongshu build`.
 */
import { type Model, theme, topic } from '../../jobs/index.ts';

/** 卫生健康主题库: births (卫健 certificates), deaths and insured residents per county. */
export const healthByCounty = theme({
  name: 'health_by_county',
  title: '卫生健康主题库：分县出生、死亡、参保',
  sql: ({ ref }) => `
    WITH births AS (
      SELECT left(id_number, 6) AS division, count(DISTINCT id_number) AS births
      FROM ${ref('births_deaths')} WHERE record_type = '出生' GROUP BY 1
    ),
    people AS (
      -- the deceased have left the household register: their county is the address code of their ID
      SELECT coalesce(division, left(id_number, 6)) AS division,
             count(*) FILTER (WHERE died_on IS NULL AND division IS NOT NULL) AS residents,
             count(*) FILTER (WHERE died_on IS NOT NULL) AS deaths,
             count(*) FILTER (WHERE died_on IS NULL AND division IS NOT NULL AND insurance IS NOT NULL) AS insured,
             count(*) FILTER (WHERE died_on IS NULL AND division IS NOT NULL AND insured_status = '参保缴费') AS insured_paying
      FROM ${ref('foundation.population')} GROUP BY 1
    )
    SELECT division, d.name AS county, coalesce(residents, 0) AS residents, coalesce(births, 0) AS births,
           coalesce(deaths, 0) AS deaths, coalesce(insured, 0) AS insured, coalesce(insured_paying, 0) AS insured_paying,
           round(100.0 * coalesce(insured, 0) / nullif(residents, 0), 2) AS insured_pct
    FROM people FULL JOIN births USING (division)
    LEFT JOIN gongshu.divisions AS d ON d.code = division
    ORDER BY division`,
});

/** Options of `xinjiangModels`. */
export interface ModelOptions {
  /**
   * A dataset listing people already receiving the elderly-care subsidy (民政 高龄津贴发放名册), keyed by
   * citizen ID. The example region has no such register yet; without it nobody is excluded as a recipient.
   */
  readonly recipientsDataset?: string;
}

/**
 * 专题库: 2026 elderly-care subsidy (高龄津贴) eligibility — people aged 80 or more by 31 December 2026, alive,
 * registered in a county of the region, and not already receiving it.
 */
export function elderlySubsidy2026(options: ModelOptions = {}): Model {
  return topic({
    name: 'elderly_subsidy_2026',
    title: '专题库：2026年高龄津贴资格',
    sql: ({ ref }) => `
      SELECT p.id_number, p.name, p.sex, p.birth_date,
             date_diff('year', p.birth_date, DATE '2026-12-31') -
               CASE WHEN strftime(p.birth_date, '%m-%d') > '12-31' THEN 1 ELSE 0 END AS age_2026,
             p.division, d.name AS county, p.address
      FROM ${ref('foundation.population')} AS p
      JOIN gongshu.divisions AS d ON d.code = p.division AND d.level = 3
      WHERE p.died_on IS NULL
        AND p.birth_date <= DATE '1946-12-31'
        ${
          options.recipientsDataset
            ? `AND p.id_number NOT IN (SELECT id_number FROM ${ref(options.recipientsDataset)} WHERE id_number IS NOT NULL)`
            : ''
        }
      ORDER BY p.division, p.birth_date, p.id_number`,
  });
}

/** The example region's models. */
export function xinjiangModels(options: ModelOptions = {}): Model[] {
  return [healthByCounty, elderlySubsidy2026(options)];
}
