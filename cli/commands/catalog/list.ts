import { loadProject } from '../../../project/index.ts';
import { type CatalogEntry, catalogToRows } from '../../../schemas/index.ts';
import { EXIT } from '../../errors.ts';
import { formatTable, processOutput } from '../../output.ts';
import type { CatalogOptions } from './shared.ts';

/** `gongshu catalog`: the entries defined in the project (no action, or `list`). */
export async function listEntries(o: CatalogOptions): Promise<number> {
  const out = processOutput();
  const { project } = await loadProject(o.project);
  const catalogued = project.pipelines.filter((p) => p.dataset.catalog);
  const entries = catalogued.map((p) => p.dataset.catalog as CatalogEntry);
  const uncatalogued = project.pipelines.filter((p) => !p.dataset.catalog).map((p) => p.dataset.name);
  if (o.json) {
    for (const entry of entries) out.json(entry);
  } else {
    const rows = catalogToRows(entries, { lang: 'zh' }).map((r, i) => ({
      code: r.code,
      dataset: r.dataset ?? catalogued[i]!.dataset.name,
      name: r.name,
      provider: r.provider,
      share: r.share_type,
      open: r.open_type,
      cycle: r.update_cycle,
      grade: r.security_grade,
      fields: r.fields,
      sensitive: r.sensitive_fields,
    }));
    for (const line of formatTable(rows)) out.data(line);
  }
  if (uncatalogued.length) {
    out.note(`not catalogued (第六条 requires a catalog entry for each dataset): ${uncatalogued.join(', ')}`);
  }
  return EXIT.ok;
}
