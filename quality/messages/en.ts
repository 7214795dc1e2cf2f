/** The quality engine's texts in English (the language of `description` and `message` in the report JSON). */
import { UPDATE_CYCLE_LABELS, UPDATE_CYCLE_MAX_AGE_DAYS } from '../../schemas/index.ts';
import type { AnomalyWords, QualityMessages } from './catalog.ts';

const compared = (as: string) => (as !== 'text' ? ` (compared as ${as})` : '');
const onlyRows = (dataset: string, where: string | undefined) =>
  where ? ` (the rows of ${dataset} where ${where})` : '';
const rate = (a: AnomalyWords, x: number) => (a.kind === 'rate' ? `${(x * 100).toFixed(2)}%` : x.toFixed(0));

const CODE_TABLES = {
  sex: 'GB/T 2261.1 sex',
  marital: 'GB/T 2261.2 marital status',
  ethnicity: 'GB 3304 ethnicity',
  division: 'GB/T 2260 division',
} as const;

/** English. */
export const EN: QualityMessages = {
  lang: 'en',
  checks: {
    'not-null': {
      summary: 'the column has a value: not NULL, not blank, not one of the texts meaning "no value"',
      rule: (r) =>
        `${r.column} is filled in${r.args.blankValues.length ? ` (blank values: ${r.args.blankValues.join(', ')})` : ''}`,
    },
    'record-count': {
      summary:
        'the table has at least the expected rows: a fixed number, a reference dataset’s row count or the previous load',
      rule: (r) => {
        const a = r.args;
        const what =
          'expected' in a
            ? `${a.expected} rows`
            : 'dataset' in a
              ? `the row count of ${a.dataset}${a.where ? ` where ${a.where}` : ''}`
              : 'the rows of the previous load';
        return `at least ${what} are present${a.tolerance ? ` (tolerance ${a.tolerance * 100}%)` : ''}`;
      },
    },
    'key-complete': {
      summary: 'every row read has a key; rows quarantined for a missing key count as failed',
      rule: (r) =>
        r.args.built
          ? `every row has a key in ${r.column}`
          : `every row has a key in ${r.column} (rows in the table and current quarantined rows; key:missing counts as failed)`,
    },
    matches: {
      summary: 'the whole value matches a regular expression (RE2 syntax)',
      rule: (r) => `${r.column} matches /${r.args.pattern}/`,
    },
    length: {
      summary: 'the number of characters of the value is between min and max',
      rule: (r) => `${r.column} has ${r.args.min ?? 0}–${r.args.max ?? '∞'} characters`,
    },
    between: {
      summary: 'the value (a number or a date) is between min and max; a value that does not convert fails',
      rule: (r) => `${r.column} is between ${r.args.min ?? '−∞'} and ${r.args.max ?? '∞'}`,
    },
    'in-set': {
      summary: 'the value is one of a given list',
      rule: (r) =>
        `${r.column} is one of ${r.args.values.slice(0, 8).join('、')}${r.args.values.length > 8 ? '…' : ''}`,
    },
    'code-table': {
      summary:
        'the value is a code or name of a national code table (sex, marital status, ethnicity, division)',
      rule: (r) => `${r.column} is a ${CODE_TABLES[r.args.table]} code or name`,
    },
    parses: {
      summary:
        'the value parses as its type (date, timestamp, integer, decimal, boolean); rows quarantined for not parsing count as failed',
      rule: (r) =>
        `${r.column} is a valid ${r.args.type}${r.args.type === 'date' ? ' (YYYY-MM-DD, YYYYMMDD, YYYY年M月D日, …)' : ''}`,
    },
    'citizen-id': {
      summary:
        'the value is a valid citizen identity number (GB 11643: format, check character, birth date, division)',
      rule: (r) =>
        `${r.column} is a valid citizen identity number (GB 11643: format, check character, birth date, division)`,
    },
    uscc: {
      summary: 'the value is a valid unified social credit code (GB 32100: format, check character)',
      rule: (r) => `${r.column} is a valid unified social credit code (GB 32100: format, check character)`,
    },
    sql: {
      summary: 'a custom SQL condition: rows where it is TRUE pass, FALSE or NULL fail',
      rule: (r) => `SQL: ${r.args.sql}`,
    },
    'key-valid': {
      summary: 'every key is valid; rows quarantined for an invalid key count as failed',
      rule: (r) => {
        const what = r.args.kind === 'uscc' ? 'USCC (GB 32100)' : 'citizen identity number (GB 11643)';
        return r.args.built
          ? `every key in ${r.column} is a valid ${what}`
          : `every key in ${r.column} is a valid ${what} (rows in the table and current quarantined rows; invalid keys count as failed)`;
      },
    },
    freshness: {
      summary:
        'each row’s date is recent: not older than the given age (calendar or working days) before the reference date',
      rule: (r) => {
        const a = r.args;
        const age =
          a.maxAge ??
          (a.workingDays !== undefined ? `${a.workingDays} working days` : `${a.maxAgeDays} days`);
        return `${r.column} is at most ${age} old`;
      },
    },
    'dataset-freshness': {
      summary:
        'the newest load of the dataset is within its update cycle (or the given days or working days)',
      rule: (r) => {
        const a = r.args;
        const limit =
          'cycle' in a
            ? `${UPDATE_CYCLE_MAX_AGE_DAYS[a.cycle]} days (update cycle ${UPDATE_CYCLE_LABELS[a.cycle].en})`
            : 'maxAgeDays' in a
              ? `${a.maxAgeDays} days`
              : `${a.workingDays} working days`;
        return `the newest load is at most ${limit} old`;
      },
    },
    lag: {
      summary: 'the days between the event date and the load are at most the given number',
      rule: (r) => `${r.column} reaches the warehouse within ${r.args.maxDays} days of the event`,
    },
    periods: {
      summary: 'every expected period (day, week, month, quarter, year) has data, without gaps',
      rule: (r) =>
        `${r.column} has data for every ${r.args.every}${r.args.from ? ` from ${r.args.from}` : ''}${r.args.to ? ` to ${r.args.to}` : ''}`,
    },
    'agrees-with-key': {
      summary: 'the field agrees with the citizen identity number key (birth date, sex or division)',
      rule: (r) => {
        const what =
          r.args.part === 'division'
            ? `the ${r.args.level} of the division code`
            : r.args.part.replace('-', ' ');
        return `${r.column} agrees with ${what} in the citizen identity number key`;
      },
    },
    unique: {
      summary: 'no two rows share a value (or combination of values); rows repeating an earlier one fail',
      rule: (r) =>
        `${r.args.columns.join(' + ')} ${r.args.columns.length > 1 ? 'are unique together' : 'is unique'}`,
    },
    'key-unique': {
      summary: 'no two loaded rows share a key; later copies fail',
      rule: (r) => `no two loaded rows share a key in ${r.column} (later copies count as failed)`,
    },
    references: {
      summary: 'referential integrity: every non-empty value occurs in a column of another dataset',
      rule: (r) => `every ${r.column} occurs in ${r.args.target.dataset}.${r.args.target.column}`,
    },
    'same-as': {
      summary: 'the same entity’s field agrees with another department’s dataset (joined on the key)',
      rule: (r) =>
        `${r.column} equals ${r.args.dataset}.${r.args.column ?? r.column} for the same key${onlyRows(r.args.dataset, r.args.where)}${compared(r.args.compareAs)}`,
    },
    'foundation-conflicts': {
      summary:
        'the foundation field agrees with every other department holding it: keys with a conflict recorded at the build fail',
      rule: (r) =>
        `no other department holds a different ${r.column} for the same key (conflicts recorded by the foundation build)`,
    },
    'matches-source': {
      summary:
        'the value agrees with the authoritative source (or reference data) by key; pass rate = matched ÷ compared',
      rule: (r) =>
        `${r.column} matches the authoritative source ${r.args.dataset}.${r.args.column ?? r.column} by key${onlyRows(r.args.dataset, r.args.where)}${compared(r.args.compareAs)}`,
    },
  },
  anomaly: (a) =>
    `${a.dataset} ${a.rule === null ? 'rows' : `passRate:${a.rule}`}: ${rate(a, a.value)} against an expected ${rate(a, a.expected)} ± ${rate(a, a.sd)} ` +
    `(z = ${a.z.toFixed(2)} over ${a.history} earlier runs, monthly seasonal offset ${rate(a, a.seasonalOffset)})`,
  fallback: (dataset, error) => `${dataset}: the combined scan failed (${error}); rules were run one by one`,
  observed: {
    neverLoaded: 'never loaded',
    loadAge: (day, age, allowed, working) =>
      `last load ${day}: ${age} ${working ? 'working days' : 'days'} old (allowed ${allowed})`,
    rows: (actual, expected) => `${actual} rows, expected ${expected}`,
    noPreviousLoad: 'no previous load to compare with',
    missingPeriods: (every, periods) => `missing ${every}s: ${periods}`,
  },
};
