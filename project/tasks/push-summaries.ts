/**
 * The summaries a node sends with its pushes (GOVERNANCE.md I): its evaluation of the current year (Asia/Shanghai),
 * which already folds in what its own children sent, so the region receives every level's figures.
 */
import type { Logger } from 'pino';
import {
  type EvaluationProject,
  evaluateYear,
  evaluationSummary,
  shanghaiDate,
} from '../../governance/index.ts';
import type { NodeContext, NodeSummary, Serial } from '../../platform/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';

/** This node's summaries for a push; none (with a warning) when they cannot be computed, so the push goes on. */
export async function pushSummaries(options: {
  wh: Warehouse;
  project: EvaluationProject;
  node: NodeContext;
  logger?: Logger | undefined;
  serial?: Serial | undefined;
  at?: Date;
}): Promise<NodeSummary[]> {
  const at = options.at ?? new Date();
  const year = Number(shanghaiDate(at).slice(0, 4));
  const run = () =>
    evaluateYear(
      { wh: options.wh, project: options.project },
      { year, at, node: { id: options.node.id, name: options.node.name, level: options.node.level } },
    );
  try {
    return [evaluationSummary(await (options.serial ? options.serial(run) : run()))];
  } catch (error) {
    options.logger?.warn(
      `push: the ${year} evaluation could not be computed (${(error as Error).message.split('\n')[0]}); pushing without it`,
    );
    return [];
  }
}
