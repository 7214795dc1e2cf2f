import type { Command } from 'commander';
import { loadProject } from '../../project/index.ts';
import { type CatalogEntry, catalogToRows } from '../../schemas/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { formatTable, processOutput } from '../output.ts';

/** Every problem of the catalog command line: the project folder. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.project(options.project as string | undefined);
}

/** `gongshu catalog`: the catalog entries of a project's datasets, as a table or one JSON object per entry. */
export default async function catalog(_args: unknown[], command: Command): Promise<number> {
  const opts = command.opts<{ project: string; json?: boolean }>();
  const out = processOutput();
  const { project } = await loadProject(opts.project);
  const catalogued = project.pipelines.filter((p) => p.dataset.catalog);
  const entries = catalogued.map((p) => p.dataset.catalog as CatalogEntry);
  const uncatalogued = project.pipelines.filter((p) => !p.dataset.catalog).map((p) => p.dataset.name);
  if (opts.json) {
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
    if (rows.length === 0) out.note('no catalog entries');
    else for (const line of formatTable(rows)) out.data(line);
  }
  if (uncatalogued.length) {
    out.note(`not catalogued (第六条 requires a catalog entry for each dataset): ${uncatalogued.join(', ')}`);
  }
  return EXIT.ok;
}
