/**
 * The summaries a node sends with its pushes (GOVERNANCE.md I): its evaluation of the current year (Asia/Shanghai),
 * which already folds in what its own children sent, so the region receives every level's figures. It is
 * computed only when its inputs changed (governance/evaluation/cache.ts), and sent on its own when no data batch
 * carries it but it differs from the last one the parent acknowledged.
 */
import type { Logger } from 'pino';
import type { BackupProject } from '../../governance/index.ts';
import {
  type EvaluationProject,
  evaluationToSend,
  markEvaluationSent,
  nodeBackupStatus,
  shanghaiDate,
} from '../../governance/index.ts';
import type { NodeContext, NodeSummary, Serial } from '../../platform/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';

/** What a push sends of this node's summaries, and how to record that the parent acknowledged them. */
export interface PushSummaries {
  readonly summaries: NodeSummary[];
  /** Whether they differ from the last ones acknowledged (then they are sent even without a data batch). */
  readonly changed: boolean;
  /** Records the acknowledgement (call when the push reports `summariesSent`). */
  readonly markSent: () => Promise<void>;
}

/** This node's summaries for a push; none (with a warning) when they cannot be computed, so the push goes on. */
export async function pushSummaries(options: {
  wh: Warehouse;
  project: EvaluationProject & BackupProject;
  dir: string;
  node: NodeContext;
  logger?: Logger | undefined;
  serial?: Serial | undefined;
  at?: Date;
}): Promise<PushSummaries> {
  const at = options.at ?? new Date();
  const year = Number(shanghaiDate(at).slice(0, 4));
  const serial = options.serial ?? (<T>(fn: () => Promise<T>) => fn());
  try {
    const t0 = performance.now();
    const r = await serial(() =>
      evaluationToSend(
        { wh: options.wh, project: options.project },
        {
          year,
          at,
          node: { id: options.node.id, name: options.node.name, level: options.node.level },
          backups: nodeBackupStatus(options.project, options.dir, options.wh.path, at),
        },
      ),
    );
    options.logger?.debug(
      `push: the ${year} evaluation ${r.cached ? 'is unchanged (cached)' : 'was computed'} in ${((performance.now() - t0) / 1000).toFixed(2)} s${r.changed ? '; it changed since the last one sent' : ''}`,
    );
    return {
      summaries: [r.summary],
      changed: r.changed,
      markSent: () => serial(() => markEvaluationSent(options.wh, year, r.hash)),
    };
  } catch (error) {
    options.logger?.warn(
      `push: the ${year} evaluation could not be computed (${(error as Error).message.split('\n')[0]}); pushing without it`,
    );
    return { summaries: [], changed: false, markSent: async () => undefined };
  }
}
