/** The build task: foundations and models (each node recorded as a `build` run), alerting failures and gates. */
import { type BuildOptions, type BuildSummary, buildProject } from '../../jobs/index.ts';
import type { TaskContext } from './context.ts';

/** Builds the selected foundations and models; alerts `run-failed` for failed nodes and `gate-blocked` for blocked ones. */
export async function runBuildTask(
  ctx: TaskContext,
  options: Omit<BuildOptions, 'signal' | 'logger' | 'parentRunId'> = {},
): Promise<BuildSummary> {
  const summary = await buildProject(ctx.wh, ctx.loaded.project, {
    ...options,
    ...(ctx.logger ? { logger: ctx.logger } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.parentRunId ? { parentRunId: ctx.parentRunId } : {}),
  });
  const failed = summary.nodes.filter((n) => n.status === 'failed');
  if (failed.length) {
    ctx.alerts?.emit({
      kind: 'run-failed',
      title: `build ${failed.map((n) => n.node).join(', ')} failed`,
      lines: failed.map((n) => `${n.node}: ${(n.reason ?? '').split('\n')[0]}`),
      runId: failed[0]!.runId,
    });
  }
  for (const n of summary.nodes.filter((x) => x.status === 'blocked')) {
    ctx.alerts?.emit({
      kind: 'gate-blocked',
      title: `build ${n.node} blocked by a quality gate`,
      lines: (n.blockedBy ?? []).map((b) => b.message),
      runId: n.runId,
      details: { node: n.node, blockedBy: n.blockedBy ?? [] },
    });
  }
  return summary;
}
