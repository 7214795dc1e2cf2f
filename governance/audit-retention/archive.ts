/**
 * Retention of the audit chain and usage log (第十五条: at least three years). `archiveAudit` writes the entries
 * recorded before a date into a signed segment and deletes from the warehouse only entries that are both archived
 * and older than `audit.retentionYears` by the wall clock. `verifyAuditAndArchives` checks the segments, their
 * continuity, the live chain from where the archive ends, and every usage entry against the chain.
 */
import {
  type AuditEntry,
  type AuditStart,
  type AuditVerification,
  deleteArchivedAudit,
  listAudit,
  type NodeKeys,
  verifyAudit,
} from '../../platform/index.ts';
import { parseDate } from '../clock.ts';
import { auditEvent, type GovernanceContext } from '../context.ts';
import { GovernanceError } from '../errors.ts';
import { type UsageProblem, verifyUsage } from '../usage/usage-log.ts';
import { readSegments, type SegmentManifest, writeSegment } from './segments.ts';

/** What an archive run did. */
export interface ArchiveResult {
  readonly segment: SegmentManifest | null;
  readonly archived: number;
  readonly deleted: number;
  /** Entries recorded before this instant (ISO) may be deleted once archived. */
  readonly retentionCutoff: string;
  readonly dir: string;
}

/** The instant before which entries are past retention: `now` minus `years`. */
export function retentionCutoff(now: Date, years: number): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

/**
 * Archives the entries recorded before `before` (a date, Asia/Shanghai) not archived yet, then deletes the archived
 * entries older than the retention. The run itself is an audit entry, so the chain never empties.
 */
export async function archiveAudit(
  ctx: GovernanceContext,
  input: { before: string; keys: NodeKeys | undefined; now?: Date },
): Promise<ArchiveResult> {
  const before = parseDate(input.before, '--before');
  const now = input.now ?? new Date();
  const dir = ctx.config.audit.archivePath;
  const segments = readSegments(dir);
  const broken = segments.filter((s) => s.problems.length);
  if (broken.length) {
    throw new GovernanceError(
      'state',
      'archive-damaged',
      `audit archive ${dir}: ${broken.flatMap((s) => s.problems).join('; ')}. Nothing was archived or deleted. Fix: restore the segments from a backup`,
    );
  }
  const archivedThrough = segments.at(-1)?.manifest.last.seq ?? 0;
  const until = new Date(Date.parse(`${before}T00:00:00+08:00`)).toISOString();
  const live = await listAudit(ctx.wh);
  const fresh = live.filter((e) => e.seq > archivedThrough && e.recorded_at < until);
  const cutoff = retentionCutoff(now, ctx.config.audit.retentionYears);
  if (fresh.length && live[0] && fresh[0]!.seq !== Math.max(archivedThrough + 1, live[0].seq)) {
    throw new GovernanceError(
      'state',
      'archive-gap',
      `audit archive: the archive ends at entry ${archivedThrough} but the next entry to archive is ${fresh[0]!.seq}. Nothing was archived`,
    );
  }
  const segment = fresh.length
    ? writeSegment(dir, { node: ctx.node.id, entries: fresh, before, keys: input.keys, at: now })
    : null;
  const through = segment?.last.seq ?? archivedThrough;
  const deleted =
    through > 0
      ? await deleteArchivedAudit(ctx.wh, { throughSeq: through, recordedBefore: cutoff.toISOString() })
      : 0;
  await auditEvent(ctx, 'audit-archived', {
    at: now,
    details: {
      before,
      segment: segment?.file ?? null,
      first: segment?.first.seq ?? null,
      last: segment?.last.seq ?? null,
      deleted,
      retentionYears: ctx.config.audit.retentionYears,
    },
  });
  return { segment, archived: fresh.length, deleted, retentionCutoff: cutoff.toISOString(), dir };
}

/** The outcome of verifying the live chain, its archive and the usage log together. */
export interface FullVerification<V extends AuditVerification = AuditVerification> {
  readonly ok: boolean;
  readonly live: V;
  readonly archive: {
    readonly segments: number;
    readonly entries: number;
    readonly problems: readonly string[];
  };
  readonly usage: readonly UsageProblem[];
}

/** Verifies the archive segments, the live chain where they end, and the usage log against both. */
export async function verifyAuditAndArchives<V extends AuditVerification = AuditVerification>(
  ctx: Pick<GovernanceContext, 'wh' | 'config'>,
  options: {
    /**
     * Verifies the live chain from `start` (default `verifyAudit`); e.g. the platform's `verifyAgainstParent`,
     * given the archived entries' hashes so anchors in archived entries are checked against the archive.
     */
    live?: (args: { start?: AuditStart; archived: ReadonlyMap<number, string> }) => Promise<V>;
  } = {},
): Promise<FullVerification<V>> {
  const segments = readSegments(ctx.config.audit.archivePath);
  const problems = segments.flatMap((s) => s.problems);
  const archived = new Map<number, AuditEntry>();
  let last: { seq: number; hash: string } | undefined;
  for (const s of segments) {
    const m = s.manifest;
    if (last && (m.first.seq !== last.seq + 1 || m.first.prevHash !== last.hash))
      problems.push(`${m.file}: does not continue the segment before it (entry ${last.seq})`);
    if (!last && m.first.seq !== 1) problems.push(`${m.file}: the archive does not start at entry 1`);
    for (const e of s.entries) archived.set(e.seq, e);
    last = { seq: m.last.seq, hash: m.last.hash };
  }
  const live = await listAudit(ctx.wh);
  for (const e of live) {
    const a = archived.get(e.seq);
    if (a && a.hash !== e.hash)
      problems.push(`entry ${e.seq}: the live entry differs from its archived copy`);
  }
  const first = live[0];
  let start: { seq: number; prevHash: string } | undefined;
  if (first && first.seq > 1) {
    const before = archived.get(first.seq - 1);
    if (!before) problems.push(`entries 1…${first.seq - 1} were deleted but are not in the archive`);
    else start = { seq: first.seq, prevHash: before.hash };
  }
  const liveCheck = options.live
    ? await options.live({
        ...(start ? { start } : {}),
        archived: new Map([...archived].map(([seq, e]) => [seq, e.hash])),
      })
    : ((await verifyAudit(ctx.wh, start ? { start } : {})) as V);
  const usage = await verifyUsage(ctx, archived);
  return {
    ok: liveCheck.ok && problems.length === 0 && usage.length === 0,
    live: liveCheck,
    archive: { segments: segments.length, entries: archived.size, problems },
    usage,
  };
}
