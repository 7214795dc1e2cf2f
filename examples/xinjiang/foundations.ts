/**
 * The example region's foundation databases (基础库). Each field names its one authoritative source
 * (一数一源, article 2); other departments that hold the same field are listed under `others` and compared.
 */
import { defineFoundation } from '../../jobs/index.ts';

/** GB/T 2261.1 sex code from the household register's 男/女. */
const SEX_CODE = "CASE sex WHEN '男' THEN '1' WHEN '女' THEN '2' END";

/**
 * 人口基础库: household registration (公安) for identity and residence, marriage registration (民政) for
 * marital status, medical birth/death certificates (卫健) for deaths, social-security enrolment (人社) for
 * insurance. Names, sex and birth dates that other departments also hold are compared with the register.
 */
export const population = defineFoundation({
  name: 'population',
  title: '人口基础库',
  key: 'citizen-id',
  fields: {
    name: { source: 'hukou', column: 'name' },
    sex: { source: 'hukou', expr: SEX_CODE },
    ethnicity: { source: 'hukou', column: 'ethnicity' },
    birth_date: { source: 'hukou', column: 'birth_date' },
    division: { source: 'hukou', column: 'division' },
    address: { source: 'hukou', column: 'address' },
    household_no: { source: 'hukou', column: 'household_no' },
    // The latest marriage or divorce registration of either spouse.
    marital_status: {
      source: 'marriage',
      keys: ['husband_id', 'wife_id'],
      expr: "CASE kind WHEN '结婚' THEN '已婚' WHEN '离婚' THEN '离婚' END",
      latest: 'registered_on',
    },
    died_on: { source: 'births_deaths', column: 'event_date', where: "record_type = '死亡'" },
    insurance: { source: 'social_security', column: 'insurance' },
    insured_status: { source: 'social_security', column: 'status' },
    insured_since: { source: 'social_security', column: 'enrolled_on' },
  },
  others: {
    name: [
      { source: 'social_security', column: 'name' },
      { source: 'births_deaths', column: 'name' },
    ],
    sex: [{ source: 'births_deaths', column: 'sex_code' }],
    birth_date: [{ source: 'births_deaths', column: 'event_date', where: "record_type = '出生'" }],
    marital_status: [{ source: 'hukou', column: 'marital_status' }],
  },
});

/**
 * 法人基础库: each kind of legal person has its own registration authority, told apart by the first
 * character of the USCC (GB 32100: 9 市场监管, 5 民政, 1 机构编制) — one authoritative source per key class.
 */
export const legalEntity = defineFoundation({
  name: 'legal_entity',
  title: '法人基础库',
  key: 'uscc',
  fields: Object.fromEntries(
    ['org_name', 'legal_rep', 'legal_rep_id', 'status', 'address', 'established_on', 'capital'].map(
      (column) => [
        column,
        [
          { source: 'enterprises', column, keyPrefix: ['9'] },
          { source: 'social_orgs', column, keyPrefix: ['5'] },
          { source: 'institutions', column, keyPrefix: ['1'] },
        ],
      ],
    ),
  ),
});

/** The example region's foundations. */
export const xinjiangFoundations = [population, legalEntity];
