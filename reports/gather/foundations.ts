import { quoteIdent } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { DATASETS_TABLE, FOUNDATIONS_TABLE } from '../../warehouse/index.ts';
import type { FoundationsData, FoundationsSection } from '../model.ts';

/**
 * The built-in foundations reader, on the jobs layer's tables: `gongshu.foundations` (one row per built
 * foundation) and `foundation.<name>_conflicts` (key, field, source, value, other_source, other_value). Sources
 * per field and duplicate collection are derived from the conflict rows: a field another department also
 * collects shows up there whenever its values disagree. A reader with the full definitions can replace this one.
 */
export async function readFoundations(wh: Warehouse): Promise<FoundationsSection> {
  if (!(await wh.hasTable(`${FOUNDATIONS_TABLE}`))) {
    return { status: 'not-configured', note: `no ${FOUNDATIONS_TABLE} table (no foundation was built)` };
  }
  try {
    const built = await wh.all<{ foundation: string }>(
      `SELECT foundation FROM ${FOUNDATIONS_TABLE} ORDER BY foundation`,
    );
    if (built.length === 0) return { status: 'not-configured', note: `${FOUNDATIONS_TABLE} is empty` };
    const departments = new Map(
      (
        await wh.all<{ dataset: string; provider: string | null }>(
          `SELECT dataset, json_extract_string(catalog, '$.provider.name') AS provider FROM ${DATASETS_TABLE}`,
        )
      ).map((r) => [r.dataset, r.provider]),
    );
    const dept = (dataset: string) => departments.get(dataset) ?? dataset;
    const data: FoundationsData = { sources: [], conflicts: [], duplicates: [] };
    for (const { foundation } of built) {
      const table = `foundation.${foundation}_conflicts`;
      if (!(await wh.hasTable(table))) continue;
      const rows = await wh.all<{ field: string; source: string; other: string; n: number }>(
        `SELECT field, source, other_source AS other, count(*) AS n FROM foundation.${quoteIdent(`${foundation}_conflicts`)}
         GROUP BY ALL ORDER BY field, n DESC, other`,
      );
      const seen = new Set<string>();
      for (const r of rows) {
        const n = Number(r.n);
        if (!seen.has(`${r.field}\u0000${r.source}`)) {
          seen.add(`${r.field}\u0000${r.source}`);
          data.sources.push({
            foundation,
            field: r.field,
            source: r.source,
            department: departments.get(r.source) ?? null,
          });
        }
        data.conflicts.push({ foundation, field: r.field, department: dept(r.other), count: n });
        data.duplicates.push({
          field: r.field,
          department: dept(r.other),
          authoritative: dept(r.source),
          count: n,
        });
      }
    }
    return { status: 'ok', data };
  } catch (error) {
    return {
      status: 'not-configured',
      note: `foundation tables present but unreadable (${(error as Error).message.split('\n')[0]})`,
    };
  }
}
