/**
 * The evaluation section: the node's yearly evaluation per department with the article-44 failures, the
 * datasets collecting another department's data elements, and the children's evaluations received with their
 * pushes, read by the governance layer (read-only).
 */
import {
  type DestinationStatus,
  type Evaluation,
  type EvaluationProject,
  evaluateYear,
  oneSourceReport,
} from '../../governance/index.ts';
import type { NodeEvaluationRow } from '../evaluation-model.ts';
import type { EvaluationSection } from '../model.ts';
import type { SectionReader } from './gather.ts';

function row(e: Evaluation, via: string[], receivedAt: string | null): NodeEvaluationRow {
  return {
    node: e.node.id,
    name: e.node.name,
    level: e.node.level,
    via,
    asOf: e.asOf,
    receivedAt,
    departments: e.departments.map((d) => ({
      ...d,
      datasets: [...d.datasets],
    })) as NodeEvaluationRow['departments'],
    failures: { ...e.failures },
  };
}

/** The children's evaluations, depth first, each with the nodes its summary passed through. */
function flatten(e: Evaluation, via: string[]): NodeEvaluationRow[] {
  return (e.children ?? []).flatMap((c) => [
    row(c.evaluation, [...via, c.node], c.receivedAt),
    ...flatten(c.evaluation, [...via, c.node]),
  ]);
}

/**
 * The built-in evaluation reader for a project (its departments come from the catalog in code); with `backups`
 * (the node's backup status for its warehouse file, governance `nodeBackupStatus`) the security figures include
 * the node's verified backups.
 */
export function evaluationReader(options: {
  year: number;
  at: Date;
  project: EvaluationProject;
  node: { id: string; name?: string; level?: string };
  backups?: (warehousePath: string, at: Date) => readonly DestinationStatus[] | null;
}): SectionReader<EvaluationSection> {
  return async (wh) => {
    const backups = options.backups?.(wh.path, options.at) ?? null;
    const e = await evaluateYear({ wh, project: options.project }, { ...options, backups });
    const one = await oneSourceReport(wh, options.project);
    return {
      status: 'ok',
      data: {
        year: e.year,
        self: row(e, [], null),
        children: flatten(e, []),
        duplicates: one.duplicates.map((d) => ({
          department: d.department,
          dataset: d.dataset,
          element: d.element,
          column: d.column,
          authoritative: d.authoritative.map((a) => `${a.dataset} (${a.department ?? '?'})`).join(', '),
          overlap: d.overlap,
          disagreeing: d.disagreeing,
          basis: d.basis,
        })),
      },
    };
  };
}
