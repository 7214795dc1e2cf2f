import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  type Evaluation,
  type EvaluationProject,
  evaluateYear,
  nodeBackupStatus,
  shanghaiDate,
} from '../../governance/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { checkGovernanceArguments, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';

/** Every problem of the evaluate command line: --year and the governance options. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.integer('--year', options.year as string | undefined, 2000, 2100, '--year 2026');
  checkGovernanceArguments(options, problems);
}

const show = (n: number | null) => (n === null ? '—' : n);

/** `gongshu evaluate --year YYYY`: the yearly evaluation per department (第三十九条), with the children's. */
export default async function evaluate(_args: unknown[], command: Command): Promise<number> {
  const o = command.opts<GovernanceOptions & { year?: string; out?: string }>();
  const out = processOutput();
  return withGovernance(
    o,
    async (ctx, _actor, at, loaded) => {
      const year = o.year ? Number(o.year) : Number(shanghaiDate(at).slice(0, 4));
      const evaluation = await evaluateYear(
        { wh: ctx.wh, project: ctx.project as EvaluationProject },
        { year, at, node: ctx.node, backups: nodeBackupStatus(loaded.project, loaded.dir, ctx.wh.path, at) },
      );
      if (o.out) {
        const file = resolve(o.out);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(`${file}.tmp`, `${JSON.stringify(evaluation, null, 2)}\n`);
        renameSync(`${file}.tmp`, file);
        out.note(`evaluation ${year} written to ${file}`);
      }
      if (o.json) out.json(evaluation);
      else printEvaluation(out, evaluation);
      return EXIT.ok;
    },
    { readOnly: true },
  );
}

function printEvaluation(out: ReturnType<typeof processOutput>, e: Evaluation) {
  out.data(`yearly evaluation ${e.year} of node ${e.node.id} (第三十九条), as of ${e.asOf}:`);
  for (const line of formatTable(
    e.departments.map((d) => ({
      department: d.department ?? '(未编目)',
      entries: `${d.catalog.published}/${d.catalog.entries}`,
      'rows loaded': d.collected.rowsLoaded,
      quarantined: d.collected.rowsQuarantined,
      score: show(d.quality.score),
      'fresh %': show(d.quality.freshness),
      pushed: d.provided.rowsPushed,
      'answered (on time)': `${d.provided.requestsAnswered} (${d.provided.answeredOnTime})`,
      requests: d.used.requestsMade,
      duplicates: d.duplicates.elements.length,
    })),
  ))
    out.data(line);
  out.data('');
  out.data('article 44 (第四十四条):');
  for (const line of formatTable(
    e.departments.map((d) => ({
      department: d.department ?? '(未编目)',
      'missing entries': d.failures.missingCatalogEntries,
      'repeated collection': d.failures.repeatedCollection,
      'overdue requests': d.failures.overdueRequests,
      'overdue catalog updates': d.failures.overdueCatalogUpdates,
      'unresolved objections': show(d.failures.unresolvedObjections),
    })),
  ))
    out.data(line);
  for (const c of e.children) {
    out.data('');
    out.data(`child ${c.node} (received ${c.receivedAt}): ${c.evaluation.departments.length} departments`);
  }
}
