/**
 * Taking open resources offline (第二十四条, GOVERNANCE B: previous versions are kept until `offline`). Three
 * reaches: one version (`--only-version N`), every version that is no longer live (`--superseded`: superseded or
 * suspended ones), or the whole resource (retired: its live version too, `latest` removed, and the open export
 * skips it until it is named with `--reopen`). The live version alone is never taken offline while the resource
 * stays open: a replaced resource stays available until its successor is live, so a new version is exported
 * first. The table rows stay (status `offline`, or `retired` for the newest version of a retired resource, with
 * `removed_at`); the files go. The consumers recorded for the versions, and the current grantees, are told.
 */

import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { stored } from '../clock.ts';
import { type Actor, auditEvent, type GovernanceContext } from '../context.ts';
import { GovernanceError } from '../errors.ts';
import { consumersOf, removeLatest } from './open-export.ts';
import {
  listResourceVersions,
  markVersionsOffline,
  OFFLINE_STATUSES,
  type ResourceConsumer,
  type ResourceVersion,
} from './resource-versions.ts';

/** What `open offline` takes offline. */
export interface OfflineInput {
  readonly code: string;
  /** One version; with neither this nor `superseded`, the whole resource is retired. */
  readonly version?: number | undefined;
  /** Every version that is not live (superseded or suspended). */
  readonly superseded?: boolean | undefined;
  /** Why (recorded in the audit chain and told to the consumers). */
  readonly reason?: string | undefined;
  readonly actor: Actor;
  readonly at: Date;
  readonly notify?: ((notice: OfflineNotice) => void) | undefined;
}

/** A notice that versions of an open resource went offline, for the alert hooks. */
export interface OfflineNotice {
  readonly code: string;
  readonly versions: readonly number[];
  readonly retired: boolean;
  /** The live version that stays (null when the resource is retired or has none). */
  readonly live: number | null;
  readonly reason: string | null;
  readonly consumers: readonly ResourceConsumer[];
}

/** What `open offline` did. */
export interface OfflineResult {
  readonly code: string;
  readonly retired: boolean;
  readonly versions: readonly { version: number; status: string; dir: string }[];
  readonly live: number | null;
  readonly consumers: readonly ResourceConsumer[];
}

/** The versions `input` names, checked (never the live one alone). */
function chosenVersions(all: readonly ResourceVersion[], input: OfflineInput): ResourceVersion[] {
  const kept = all.filter((v) => !OFFLINE_STATUSES.includes(v.status));
  if (input.version === undefined && !input.superseded) return kept;
  if (input.superseded) return kept.filter((v) => v.status !== 'live');
  const v = all.find((x) => x.version === input.version);
  if (!v) {
    throw new GovernanceError(
      'not-found',
      'unknown-version',
      `open offline ${input.code}: no version ${input.version} (versions: ${all.map((x) => `v${x.version}`).join(', ')}). Fix: gongshu open versions ${input.code}`,
    );
  }
  if (OFFLINE_STATUSES.includes(v.status)) {
    throw new GovernanceError(
      'state',
      'already-offline',
      `open offline ${input.code}: v${v.version} is already offline (since ${v.removedAt ?? v.offlineAt ?? '?'})`,
    );
  }
  if (v.status === 'live') {
    throw new GovernanceError(
      'state',
      'live-version',
      `open offline ${input.code}: v${v.version} is the live version; a replaced resource stays available until its successor is live (第二十四条). Fix: export a new version first (gongshu open export ${input.code}), or retire the whole resource (gongshu open offline ${input.code})`,
    );
  }
  return [v];
}

/** Takes versions of an open resource offline (see the file comment); returns what went and who was told. */
export async function takeOffline(ctx: GovernanceContext, input: OfflineInput): Promise<OfflineResult> {
  const all = await listResourceVersions(ctx.wh, input.code);
  if (!all.length) {
    throw new GovernanceError(
      'not-found',
      'unknown-resource',
      `open offline ${input.code}: node ${ctx.node.id} has exported no version of it. Fix: gongshu open versions`,
    );
  }
  const retire = input.version === undefined && !input.superseded;
  const chosen = chosenVersions(all, input);
  const newest = all[0]!;
  if (retire && newest.status === 'retired') {
    throw new GovernanceError(
      'state',
      'already-offline',
      `open offline ${input.code}: the resource is already offline (since ${newest.removedAt ?? '?'})`,
    );
  }
  const live = retire ? null : (all.find((v) => v.status === 'live')?.version ?? null);
  const changes = chosen.map((v) => ({
    version: v.version,
    status: retire && v.version === newest.version ? ('retired' as const) : ('offline' as const),
  }));
  if (retire && !chosen.some((v) => v.version === newest.version))
    changes.push({ version: newest.version, status: 'retired' });
  const consumers = new Map<string, ResourceConsumer>();
  for (const c of [
    ...chosen.flatMap((v) => v.consumers),
    ...(await consumersOf(ctx, newest.dataset, input.at)),
  ])
    consumers.set(`${c.node}\u0000${c.department}`, c);
  const told = [...consumers.values()];
  await ctx.wh.transaction(async () => {
    await markVersionsOffline(ctx.wh, input.code, changes, stored(input.at));
    await auditEvent(ctx, 'open-offline', {
      at: input.at,
      actor: input.actor,
      dataset: newest.dataset,
      purpose: input.reason ?? null,
      details: {
        code: input.code,
        versions: changes.map((c) => c.version),
        retired: retire,
        live,
        consumers: told.length,
      },
    });
  });
  // The records say offline: now the files go (the pointer first, so no reader follows it into a removed folder).
  if (retire) removeLatest(dirname(newest.dir));
  for (const v of chosen) rmSync(v.dir, { recursive: true, force: true });
  const versions = changes.map((c) => ({
    version: c.version,
    status: c.status,
    dir: all.find((v) => v.version === c.version)!.dir,
  }));
  if (changes.length) {
    input.notify?.({
      code: input.code,
      versions: changes.map((c) => c.version),
      retired: retire,
      live,
      reason: input.reason ?? null,
      consumers: told,
    });
  }
  return { code: input.code, retired: retire, versions, live, consumers: told };
}
