/** Spacing request starts, and waiting that a cancellation can cut short. */

/** Spaces request starts at least `1000 / requestsPerSecond` ms apart. */
export interface RateLimiter {
  wait(signal?: AbortSignal): Promise<void>;
}

/** A limiter allowing `requestsPerSecond` request starts per second, evenly spaced. */
export function createRateLimiter(requestsPerSecond: number): RateLimiter {
  const interval = 1000 / requestsPerSecond;
  let next = 0;
  return {
    async wait(signal) {
      const now = performance.now();
      const at = Math.max(now, next);
      next = at + interval;
      if (at > now) await sleep(at - now, signal);
    },
  };
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
