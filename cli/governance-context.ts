import { userInfo } from 'node:os';
import {
  type Actor,
  drainUsageSpool,
  type GovernanceContext,
  governanceConfig,
  parseAt,
} from '../governance/index.ts';
import { nodeContext } from '../platform/index.ts';
import { type LoadedProject, projectAndWarehouse } from '../project/index.ts';
import type { ArgumentProblems } from './arguments.ts';
import { openCommandWarehouse } from './session.ts';

/** Options every governance command takes. */
export interface GovernanceOptions {
  project?: string | undefined;
  warehouse?: string;
  operator?: string;
  department?: string;
  at?: string;
  json?: boolean;
}

/** Who acts: `--operator` (else $GONGSHU_OPERATOR, else the login name) and `--department`. */
export function actorOf(o: Pick<GovernanceOptions, 'operator' | 'department'>): Actor {
  let login = 'unknown';
  try {
    login = userInfo().username;
  } catch {
    // no passwd entry (containers): keep 'unknown'
  }
  return {
    operator: o.operator?.trim() || process.env.GONGSHU_OPERATOR?.trim() || login,
    ...(o.department?.trim() ? { department: o.department.trim() } : {}),
  };
}

/**
 * Loads the project, opens its warehouse (for writing unless `readOnly`; inside the node service, the service's
 * warehouse or a read-only snapshot of it) and runs `fn` with the governance context, the actor and the time of
 * `--at`; closes the warehouse afterwards.
 */
export async function withGovernance<T>(
  o: GovernanceOptions,
  fn: (ctx: GovernanceContext, actor: Actor, at: Date, loaded: LoadedProject) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const at = parseAt(o.at);
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const node = nodeContext(loaded.project, loaded.dir);
  const config = governanceConfig(loaded.project, loaded.dir);
  const wh = await openCommandWarehouse({
    path: warehousePath,
    readOnly: options.readOnly ?? false,
    ...(loaded.project.memoryLimit ? { memoryLimit: loaded.project.memoryLimit } : {}),
  });
  try {
    const ctx = { wh, node, project: loaded.project, config };
    if (!options.readOnly) await drainUsageSpool(ctx);
    return await fn(ctx, actorOf(o), at, loaded);
  } finally {
    wh.close();
  }
}

/** The problems of the options every governance command takes: the project folder, the warehouse file, `--at`. */
export function checkGovernanceArguments(options: Record<string, unknown>, problems: ArgumentProblems): void {
  const o = options as unknown as GovernanceOptions;
  problems.projectOrWarehouse(o);
  if (o.at !== undefined) {
    try {
      parseAt(o.at);
    } catch {
      problems.add(
        '--at',
        'an ISO date or time (Asia/Shanghai unless an offset is given)',
        o.at,
        '--at 2026-09-30T10:00',
      );
    }
  }
}
