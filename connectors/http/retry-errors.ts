/** Why a retried request finally failed: retries exhausted (timeout, network, 5xx/429) or refused (other 4xx). */
import { SourceError } from '../errors.ts';
import { NOT_COMMITTED, snippet } from './error-text.ts';
import type { RetryPolicy } from './retry.ts';

/** How one attempt failed. */
export type Failure =
  | { readonly kind: 'status'; readonly status: number; readonly statusText: string; readonly body: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly message: string };

/** A failure in a few words, for retry notes. */
export function failureShort(failure: Failure | undefined, policy: RetryPolicy): string {
  if (failure === undefined) return 'failed';
  if (failure.kind === 'status') return `HTTP ${failure.status}`;
  if (failure.kind === 'timeout') return `no response within ${policy.timeoutMs} ms`;
  return `network error (${failure.message})`;
}

/** The reason of a network error: its cause's code or message. */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** The error after the last retry. */
export function exhausted(
  label: string,
  last: Failure | undefined,
  policy: RetryPolicy,
  redact: (text: string) => string,
): SourceError {
  const n = policy.attempts;
  const tries = n === 1 ? '1 attempt' : `${n} attempts`;
  if (last?.kind === 'timeout') {
    return new SourceError(
      `${label}: no response within ${policy.timeoutMs} ms on ${n === 1 ? 'the only attempt' : `each of ${n} attempts`}. ` +
        `The API is too slow or hanging; ${NOT_COMMITTED}. Fix: retry later, raise retry.timeoutMs, or request smaller pages`,
      { reason: 'timeout', attempts: n, timeoutMs: policy.timeoutMs },
      { retryable: true },
    );
  }
  if (last?.kind === 'network') {
    return new SourceError(
      `${label}: network error after ${tries} (last: ${redact(last.message)}). The API is unreachable; ${NOT_COMMITTED}. ` +
        'Fix: check the URL, DNS, proxy and firewall, then retry',
      { reason: 'network', attempts: n },
      { retryable: true },
    );
  }
  const status = last?.status ?? 0;
  const why = last?.statusText || (last ? snippet(last.body, redact) : '') || 'no reason given';
  const fix =
    status === 429
      ? 'Fix: lower rateLimit.requestsPerSecond, or retry later'
      : 'Fix: retry later, or lower rateLimit';
  return new SourceError(
    `${label}: HTTP ${status} after ${tries} (last: ${why}). The API is failing; ${NOT_COMMITTED}. ${fix}`,
    { reason: 'status', status, attempts: n },
    { retryable: true },
  );
}

/** The error of a request the API refused (not retried). */
export function refused(
  label: string,
  failure: Failure & { kind: 'status' },
  redact: (text: string) => string,
): SourceError {
  const { status } = failure;
  const body = snippet(failure.body, redact);
  const fix =
    status === 401 || status === 403
      ? 'Fix: check auth.bearer or the sign hook (app id, secret, algorithm) and that the clock is right'
      : status === 404
        ? 'Fix: check the url'
        : 'Fix: check the query, body and pagination parameter names against the API documentation';
  return new SourceError(
    `${label}: HTTP ${status} ${failure.statusText}${body ? ` (body: ${body})` : ''}. ` +
      `The API refused the request (not retried); ${NOT_COMMITTED}. ${fix}`,
    { reason: 'status', status },
  );
}
