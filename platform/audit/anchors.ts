import type { KeyObject } from 'node:crypto';
import type { Warehouse } from '../../warehouse/index.ts';
import { AUDIT_TABLE } from '../../warehouse/index.ts';
import type { NodeContext } from '../config.ts';
import { PlatformConfigError } from '../errors.ts';
import { signedRequest } from '../transport/client.ts';
import type { NodeKeys } from '../transport/node-keys.ts';
import { parsePublicKey } from '../transport/node-keys.ts';
import { parentTls } from '../transport/tls.ts';
import {
  type AuditProblem,
  type AuditStart,
  type AuditVerification,
  listAudit,
  verifyAudit,
} from './chain.ts';

/** An audit head of a child as its parent recorded it (from a push), parsed. */
export interface Anchor {
  readonly seq: number;
  readonly hash: string;
}

/**
 * The audit heads `child` carried with its pushes, as this node recorded them in its own chain (the
 * `senderHead` of its `push-received` entries), oldest first.
 */
export async function anchorsOf(wh: Warehouse, child: string): Promise<Anchor[]> {
  const rows = await wh.all<{ h: string }>(
    `SELECT DISTINCT json_extract_string(details, '$.senderHead') AS h FROM ${AUDIT_TABLE}
     WHERE action = 'push-received' AND peer = $1 AND json_extract_string(details, '$.senderHead') IS NOT NULL`,
    [child],
  );
  return rows
    .map((r) => {
      const [seq, hash] = r.h.split(':');
      return { seq: Number(seq), hash: hash ?? '' };
    })
    .filter((a) => Number.isSafeInteger(a.seq) && /^[0-9a-f]{64}$/.test(a.hash))
    .sort((a, b) => a.seq - b.seq);
}

/** The outcome of `verifyAgainstParent`: the local verification plus the anchors the parent holds. */
export interface AnchoredVerification extends AuditVerification {
  readonly parent: string;
  /** Anchors the parent returned (signed). */
  readonly anchors: number;
  /** The newest anchored entry; entries after it are covered by the local chain only. */
  readonly anchoredTo: number | null;
}

/**
 * Verifies the audit chain locally and against the parent: asks the parent (a signed request, a signed answer)
 * for the audit heads this node carried with its pushes, and checks each is still the hash of the entry with
 * that seq. A chain edited and re-hashed by someone who can write the warehouse passes the local check but not
 * this one, for every entry up to the newest anchor.
 */
export async function verifyAgainstParent(options: {
  wh: Warehouse;
  node: NodeContext;
  keys: NodeKeys;
  timeoutMs?: number;
  /** Where the live chain begins after archived entries were deleted (see `verifyAudit`). */
  start?: AuditStart | undefined;
  /** Hashes of archived (and deleted) entries by seq, to check anchors that fall in the archive. */
  archived?: ReadonlyMap<number, string> | undefined;
}): Promise<AnchoredVerification> {
  const { wh, node } = options;
  const parent = node.platform.parent;
  if (!parent) {
    throw new PlatformConfigError(
      `node ${node.id} has no parent to check its audit against. Fix: set platform.parent, or run audit verify without --against-parent`,
      { field: 'platform.parent' },
    );
  }
  const publicKey: KeyObject = parsePublicKey(parent.publicKey, 'platform.parent.publicKey');
  const tls = parentTls(node);
  const res = await signedRequest({
    baseUrl: parent.url,
    node: node.id,
    keys: options.keys,
    method: 'GET',
    path: '/v1/audit/anchors',
    timeoutMs: options.timeoutMs ?? node.platform.push.timeoutMs,
    answerFrom: { id: parent.id, publicKey },
    ...(tls ? { tls } : {}),
  });
  const anchors = res.json<{ node?: string; anchors?: Anchor[] }>();
  if (anchors.node !== node.id || !Array.isArray(anchors.anchors)) {
    throw new PlatformConfigError(`audit verify: the parent answered for node ${String(anchors.node)}`);
  }
  const local = await verifyAudit(wh, options.start ? { start: options.start } : {});
  const entries = new Map([
    ...(options.archived ?? new Map<number, string>()),
    ...(await listAudit(wh)).map((e) => [e.seq, e.hash] as const),
  ]);
  const problems: AuditProblem[] = [...local.problems];
  for (const a of anchors.anchors) {
    const hash = entries.get(a.seq);
    if (hash === a.hash) continue;
    problems.push({
      seq: a.seq,
      problem: hash === undefined ? 'deleted' : 'rewritten',
      message:
        hash === undefined
          ? `entry ${a.seq} is gone, but parent ${parent.id} recorded it as this node's audit head`
          : `entry ${a.seq} has hash ${hash.slice(0, 12)}…, but parent ${parent.id} recorded ${a.hash.slice(0, 12)}… when this node pushed: the chain up to it was rewritten`,
    });
  }
  return {
    ...local,
    ok: problems.length === 0,
    problems,
    parent: parent.id,
    anchors: anchors.anchors.length,
    anchoredTo: anchors.anchors.at(-1)?.seq ?? null,
  };
}
