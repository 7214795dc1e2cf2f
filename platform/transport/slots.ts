import { PlatformRejection } from '../errors.ts';

/** Per-node limits on requests in flight. */
export interface Slots {
  /** Takes a slot for `node` or refuses with 429; returns the release function (idempotent). */
  take(node: string): () => void;
  inFlight(node: string): number;
}

/** At most `cap` requests in flight per node; the next one is refused with 429 and `Retry-After`. */
export function createSlots(cap: number): Slots {
  const busy = new Map<string, number>();
  return {
    take(node) {
      const n = busy.get(node) ?? 0;
      if (n >= cap) {
        throw new PlatformRejection(
          429,
          'too-many-requests',
          `node ${node} already has ${n} requests in flight here (platform.maxConcurrentPerChild = ${cap}); retry when one finished`,
          { node, retryAfterSeconds: 1 },
        );
      }
      busy.set(node, n + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (busy.get(node) ?? 1) - 1;
        if (left > 0) busy.set(node, left);
        else busy.delete(node);
      };
    },
    inFlight: (node) => busy.get(node) ?? 0,
  };
}
