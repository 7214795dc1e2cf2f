import type { Warehouse } from '../../warehouse/index.ts';
import type { Serial } from '../transport/serial.ts';
import { appendAudit, cutText } from './chain.ts';

/** A request this node refused. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  /** The node the request claimed to come from (kept only when it looks like a node id). */
  readonly peer?: string | undefined;
  readonly method: string;
  /** The request path; its query is left out (a purpose may name a person). */
  readonly path: string;
  readonly message: string;
  readonly dataset?: string | undefined;
}

/**
 * Records refused requests in the audit chain as `rejected` entries, bounded: at most `perMinute` entries a
 * minute (the rest are counted and the count is recorded with the next entry, so a flood of bad requests cannot
 * grow the chain without limit), with long values cut. Failures to record are reported to `onError`, never
 * thrown (the refusal stands either way).
 */
export function createRefusalAudit(options: {
  wh: Warehouse;
  node: string;
  serial: Serial;
  perMinute?: number;
  onError?: (error: unknown) => void;
}): (refusal: Refusal) => void {
  const perMinute = options.perMinute ?? 60;
  let windowStart = 0;
  let inWindow = 0;
  let suppressed = 0;
  return (r) => {
    const now = Date.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= perMinute) {
      suppressed++;
      return;
    }
    inWindow++;
    const skipped = suppressed;
    suppressed = 0;
    const path = r.path.split('?')[0] ?? '';
    options
      .serial(() =>
        appendAudit(options.wh, options.node, {
          action: 'rejected',
          peer: r.peer && /^\d{6}$/.test(r.peer) ? r.peer : null,
          dataset: r.dataset && /^[a-z][a-z0-9_.]{0,127}$/.test(r.dataset) ? r.dataset : null,
          details: {
            status: r.status,
            code: cutText(r.code, 64),
            request: `${r.method} ${cutText(path, 200)}`,
            message: cutText(r.message, 300),
            ...(skipped > 0 ? { suppressedBefore: skipped } : {}),
          },
        }),
      )
      .catch((error) => options.onError?.(error));
  };
}
