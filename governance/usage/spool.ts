/**
 * The usage spool: a use recorded while another process holds the warehouse for writing (a local `gongshu sql`
 * read while `gongshu serve` runs) is appended to `<project>/.gongshu/usage-spool.jsonl` and written into the log
 * (with its original time) by the node service's queue right after the read, or else by the next governance command
 * that opens the warehouse for writing.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GovernanceContext } from '../context.ts';
import { recordUsage, type UsageInput } from './usage-log.ts';

/** The spool file of a project folder. */
export function usageSpoolPath(dir: string): string {
  return join(dir, '.gongshu', 'usage-spool.jsonl');
}

/** Appends a use to the spool. */
export function spoolUsage(dir: string, input: UsageInput): string {
  const path = usageSpoolPath(dir);
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify({ ...input, at: input.at.toISOString() })}\n`, { mode: 0o600 });
  return path;
}

/** Writes spooled uses into the log (each with its audit entry) and removes the spool; returns how many. */
export async function drainUsageSpool(ctx: GovernanceContext): Promise<number> {
  const path = usageSpoolPath(ctx.config.dir);
  if (!existsSync(path)) return 0;
  const draining = `${path}.draining-${process.pid}`;
  renameSync(path, draining);
  const lines = readFileSync(draining, 'utf8').split('\n').filter(Boolean);
  await ctx.wh.transaction(async () => {
    for (const line of lines) {
      const raw = JSON.parse(line) as Omit<UsageInput, 'at'> & { at: string };
      await recordUsage(ctx, { ...raw, at: new Date(raw.at), details: { ...raw.details, spooled: true } });
    }
  });
  rmSync(draining);
  return lines.length;
}
