/**
 * Rules derived from what the warehouse remembers about a dataset (its catalog entry and key), so that datasets
 * loaded ad hoc are assessed too:
 * - keyed datasets: built-in `key-complete`, `key-valid`, `key-unique`;
 * - required fields (other than the key) → `notNull` (completeness), with the dataset's blank values;
 * - typed fields (date, timestamp, integer, decimal, boolean) → `parses` (validity; counts the loader's
 *   `type:<column>` quarantine);
 * - fields titled 性别/性别代码, 民族, 婚姻状况, …行政区划代码 → `inCodeTable` (validity);
 * - other citizen-ID / USCC fields (by masking or title) → `validCitizenId` / `validUscc` (validity);
 * - datasets keyed by citizen ID: 出生日期 date fields and sex fields → `agreesWithKey` (consistency);
 * - an update cycle other than irregular → `datasetFreshness` (timeliness, warn).
 * Accuracy needs a declared authoritative source, so it has no default.
 */
import type { CatalogEntry } from '../schemas/index.ts';
import { keyComplete } from './checks/completeness/key-complete.ts';
import { notNull } from './checks/completeness/not-null.ts';
import { agreesWithKey } from './checks/consistency/agrees-with-key.ts';
import { keyUnique } from './checks/consistency/key-unique.ts';
import type { Rule } from './checks/registry.ts';
import { datasetFreshness } from './checks/timeliness/dataset-freshness.ts';
import { validCitizenId } from './checks/validity/citizen-id.ts';
import { type CodeTableName, inCodeTable } from './checks/validity/code-table.ts';
import { keyValid } from './checks/validity/key-valid.ts';
import { parses } from './checks/validity/parses.ts';
import { validUscc } from './checks/validity/uscc.ts';
import type { DatasetInfo } from './plan.ts';
import { withOrigin } from './rule.ts';

const CODE_TABLE_TITLES: readonly (readonly [RegExp, CodeTableName])[] = [
  [/^性别(代码)?$/, 'sex'],
  [/^民族(代码)?$/, 'ethnicity'],
  [/^婚姻状况(代码)?$/, 'marital'],
  [/行政区划(代码)?$/, 'division'],
];
const SEX_TITLE = /^性别(代码)?$/;
const BIRTH_TITLE = /出生日期$/;
const CITIZEN_TITLE = /身份证号|公民身份号码|社会保障号码/;
const USCC_TITLE = /统一社会信用代码$/;

/** The built-in key rules of a keyed dataset. */
export function keyRules(info: DatasetInfo): Rule[] {
  if (!info.keyKind || !info.keyColumn) return [];
  return [keyComplete(info.keyColumn), keyValid(info.keyColumn, info.keyKind), keyUnique(info.keyColumn)].map(
    (r) => withOrigin(r, 'builtin'),
  );
}

/** Rules derived from the catalog entry and key (see the module comment). */
export function defaultRules(info: DatasetInfo, opts: { blankValues?: readonly string[] } = {}): Rule[] {
  const catalog: CatalogEntry | null = info.catalog;
  const out: Rule[] = [];
  const key = info.keyColumn;
  for (const f of catalog?.fields ?? []) {
    if (f.name === key) continue;
    if (f.required) out.push(notNull(f.name, { blankValues: [...(opts.blankValues ?? [])] }));
    if (f.type !== 'string') out.push(parses(f.name, f.type));
    const table = CODE_TABLE_TITLES.find(([re]) => re.test(f.title))?.[1];
    if (table && f.type === 'string') out.push(inCodeTable(f.name, table));
    if (f.type === 'string' && (f.masking === 'citizen-id' || CITIZEN_TITLE.test(f.title))) {
      out.push(validCitizenId(f.name));
    } else if (f.type === 'string' && (f.masking === 'uscc' || USCC_TITLE.test(f.title))) {
      out.push(validUscc(f.name));
    }
    if (info.keyKind === 'citizen-id') {
      if (BIRTH_TITLE.test(f.title) && (f.type === 'date' || f.type === 'string')) {
        out.push(agreesWithKey(f.name, 'birth-date'));
      }
      if (SEX_TITLE.test(f.title)) out.push(agreesWithKey(f.name, 'sex'));
    }
  }
  if (catalog && catalog.updateCycle !== 'irregular') {
    out.push(datasetFreshness({ cycle: catalog.updateCycle }));
  }
  return [...keyRules(info), ...out.map((r) => withOrigin(r, 'default'))];
}
