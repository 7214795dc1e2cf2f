import { SourceError } from '../errors.ts';
import { NOT_COMMITTED } from './error-text.ts';
import { type RateLimiter, sleep } from './rate-limit.ts';
import { exhausted, type Failure, failureShort, networkReason, refused } from './retry-errors.ts';

/** Retry settings (parsed `retry` option). */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
  readonly maxRetryAfterMs: number;
}

/** One request ready to send. */
export interface PreparedRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** A successful (2xx) response with its body read. */
export interface FetchedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** How many attempts it took (1 = no retry). */
  readonly attempts: number;
}

/** What a retried fetch needs besides the request. */
export interface RetryContext {
  /** `GET <redacted url> (page N)`: the subject of every error message. */
  readonly label: string;
  /** Removes secrets from text taken from responses. */
  readonly redact: (text: string) => string;
  readonly signal?: AbortSignal | undefined;
  readonly limiter?: RateLimiter | undefined;
  /** Called before each retry with a short reason, e.g. `HTTP 503; retry 2 of 5 in 180 ms`. */
  readonly onRetry?: ((message: string) => void) | undefined;
  /** Jitter source in [0, 1); defaults to Math.random. */
  readonly random?: () => number;
}

/** Statuses worth retrying: request timeout, too many requests and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The backoff before retry `attempt` (1-based): exponential, capped, with "equal jitter" (½ fixed, ½ random). */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds; undefined when absent/invalid. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Sends a request with per-attempt timeouts, retrying 5xx, 408, 429 (honouring Retry-After), network errors
 * and timeouts with exponential backoff and jitter. `prepare` is called before every attempt, so signatures
 * and timestamps are fresh. Other 4xx fail at once. Aborting `ctx.signal` rejects with its reason.
 */
export async function fetchWithRetry(
  prepare: () => Promise<PreparedRequest>,
  policy: RetryPolicy,
  ctx: RetryContext,
): Promise<FetchedResponse> {
  const { signal, label, redact } = ctx;
  const random = ctx.random ?? Math.random;
  let last: Failure | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    signal?.throwIfAborted();
    await ctx.limiter?.wait(signal);
    const request = await prepare();
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let retryAfter: number | undefined;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: combined,
        redirect: 'follow',
      });
      const text = await response.text();
      if (response.ok) {
        return {
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          text,
          attempts: attempt,
        };
      }
      const failure: Failure = {
        kind: 'status',
        status: response.status,
        statusText: response.statusText,
        body: text,
      };
      if (!isRetryableStatus(response.status)) throw refused(label, failure, redact);
      last = failure;
      retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) {
        throw new SourceError(
          `${label}: HTTP ${response.status} with Retry-After ${Math.ceil(retryAfter / 1000)} s, longer than ` +
            `retry.maxRetryAfterMs (${policy.maxRetryAfterMs} ms); ${NOT_COMMITTED}. ` +
            'Fix: run the load later, lower rateLimit, or raise retry.maxRetryAfterMs',
          { status: response.status, retryAfterMs: retryAfter, attempts: attempt },
          { retryable: true },
        );
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof SourceError) throw error;
      if (error instanceof TypeError && error.message !== 'fetch failed') {
        // fetch refused to build the request (e.g. a header value a signing hook made non-Latin-1): not transient.
        throw new SourceError(
          `${label}: the request could not be sent (${redact(error.message)}); ${NOT_COMMITTED}. ` +
            'Fix: check headers and the sign hook: header values must be Latin-1 (percent-encode other text)',
          { reason: 'request' },
          { cause: error },
        );
      }
      last = timeout.aborted ? { kind: 'timeout' } : { kind: 'network', message: networkReason(error) };
    }
    if (attempt < policy.attempts) {
      const delay = Math.max(backoffDelay(attempt, policy, random), retryAfter ?? 0);
      ctx.onRetry?.(
        `${label}: ${failureShort(last, policy)}; retry ${attempt + 1} of ${policy.attempts} in ${delay} ms`,
      );
      await sleep(delay, signal);
    }
  }
  throw exhausted(label, last, policy, redact);
}
