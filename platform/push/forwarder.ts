import type { Logger } from 'pino';
import type { PushSummary } from './send.ts';

/** The upward push of a running node service. */
export interface Forwarder {
  /** Asks for a push now (coalesced with one already running; a scheduled retry is brought forward). */
  request(): void;
  /** Whether a push is running, queued or scheduled for a retry. */
  busy(): boolean;
  /** Stops: no new pushes; resolves when the running one ended. */
  stop(): Promise<void>;
}

/**
 * Runs upward pushes for a node service (`gongshu serve`): on request (start, a child's batch completing), one
 * at a time, coalescing requests that arrive meanwhile. A push that fails (the parent unreachable, or answers
 * that cannot be verified, or a batch answered with a signed 5xx) is retried after `firstRetryMs`, doubling up
 * to `maxRetryMs`; batches the parent refuses for good become dead letters inside the push and never hold the
 * others back.
 */
export function createForwarder(options: {
  push: (signal: AbortSignal) => Promise<PushSummary>;
  logger?: Logger | undefined;
  parent: string;
  firstRetryMs?: number;
  maxRetryMs: number;
}): Forwarder {
  const abort = new AbortController();
  const first = options.firstRetryMs ?? 5000;
  let running: Promise<void> | undefined;
  let again = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = first;
  const run = () => {
    if (abort.signal.aborted) return;
    if (retry) {
      clearTimeout(retry);
      retry = undefined;
    }
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const summary = await options.push(abort.signal);
          const failed = summary.failed.filter((f) => !f.dead);
          if (failed.length > 0) {
            throw new Error(
              `${failed.length} batches failed (${failed.map((f) => `${f.dataset} ${f.code ?? ''}`.trim()).join(', ')})`,
            );
          }
          delay = first;
        } catch (error) {
          if (abort.signal.aborted) break;
          options.logger?.error(
            `push → ${options.parent}: ${(error as Error).message}; retrying in ${Math.round(delay / 1000)} s`,
          );
          retry = setTimeout(() => {
            retry = undefined;
            run();
          }, delay);
          retry.unref?.();
          delay = Math.min(delay * 2, options.maxRetryMs);
          again = false;
        }
      } while (again && !abort.signal.aborted);
    })().finally(() => {
      running = undefined;
    });
  };
  return {
    request: run,
    busy: () => running !== undefined || again || retry !== undefined,
    async stop() {
      abort.abort(new Error('serve stopped'));
      if (retry) clearTimeout(retry);
      retry = undefined;
      await running?.catch(() => undefined);
    },
  };
}
