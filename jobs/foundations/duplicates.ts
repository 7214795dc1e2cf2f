/**
 * Duplicate collection (article 13: what can be obtained by sharing must not be collected again): for every
 * field of a built foundation that another department also collects, how many keys that department holds a
 * value for while the authoritative source already holds one, and how many of those values disagree.
 */

import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { DATASETS_TABLE } from '../../warehouse/index.ts';
import { BuildError } from '../errors.ts';
import type { Foundation } from './define.ts';
import { resolveSources } from './plan.ts';
import { comparisonSql } from './sql.ts';

/** One line of the duplicate-collection report. */
export interface DuplicateCollection {
  readonly foundation: string;
  readonly field: string;
  /** The authoritative source(s) of the field. */
  readonly authoritative: readonly string[];
  /** The dataset collecting the field again, and its provider department (from the catalog), if known. */
  readonly source: string;
  readonly department: string | null;
  /** Keys for which both the authoritative source and this source hold a value. */
  readonly keys: number;
  /** Of those, keys whose values disagree (the conflicts of this field and source). */
  readonly disagreeing: number;
}

/** The duplicate-collection report of a built foundation, one line per (field, other source). */
export async function duplicateCollection(wh: Warehouse, f: Foundation): Promise<DuplicateCollection[]> {
  if (!(await wh.hasTable(`foundation.${f.name}`))) {
    throw new BuildError(`foundation ${f.name} is not built yet. Fix: gongshu build foundation.${f.name}`, {
      foundation: f.name,
    });
  }
  const sources = await resolveSources(wh, f);
  const out: DuplicateCollection[] = [];
  for (const [field, refs] of Object.entries(f.others)) {
    for (const o of refs) {
      const [row] = await wh.all<{ keys: number; disagreeing: number }>(
        `SELECT count(DISTINCT key) AS keys, count(DISTINCT CASE WHEN value <> other_value THEN key END) AS disagreeing
         FROM (${comparisonSql(f, field, o, sources.get(o.source)!, `foundation.${q(f.name)}`)})`,
      );
      const department = await wh.value<string>(
        `SELECT json_extract_string(catalog, '$.provider.name') FROM ${DATASETS_TABLE} WHERE dataset = $1`,
        [o.source],
      );
      out.push({
        foundation: f.name,
        field,
        authoritative: f.fields[field]!.map((r) => r.source),
        source: o.source,
        department: department ?? null,
        keys: row?.keys ?? 0,
        disagreeing: row?.disagreeing ?? 0,
      });
    }
  }
  return out;
}
