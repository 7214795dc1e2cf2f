import type { Logger } from 'pino';
import { TransportError } from '../errors.ts';
import type { NodeKeys } from './node-keys.ts';
import { SIGNATURE_HEADERS, signRequest } from './signing.ts';

/** An answer from another node. */
export interface NodeResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly contentType: string;
  /** The answer's headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** The nonce the request was signed with (an answer signature can bind to it). */
  readonly nonce: string;
  json<T = unknown>(): T;
}

/** Sends one signed request to another node (no retries). Network failures become retryable TransportErrors. */
export async function signedRequest(options: {
  baseUrl: string;
  node: string;
  keys: Pick<NodeKeys, 'privateKey'>;
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
  /** The SM3 of `body`, when the caller computed it already. */
  bodyHash?: string;
  contentType?: string;
  timeoutMs?: number;
}): Promise<NodeResponse> {
  const url = new URL(options.path, options.baseUrl);
  const path = `${url.pathname}${url.search}`;
  const headers: Record<string, string> = signRequest({
    node: options.node,
    privateKey: options.keys.privateKey,
    method: options.method,
    path,
    ...(options.body ? { body: options.body } : {}),
    ...(options.body && options.bodyHash ? { bodyHash: options.bodyHash } : {}),
  });
  if (options.body) headers['content-type'] = options.contentType ?? 'application/octet-stream';
  let res: Response;
  try {
    res = await fetch(url, {
      method: options.method,
      headers,
      ...(options.body ? { body: options.body } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new TransportError(
      `${options.method} ${url.href}: ${cause?.code ?? (error as Error).name}: ${(error as Error).message}`,
      { retryable: true, cause: error, url: url.href },
    );
  }
  let body: Buffer;
  try {
    body = Buffer.from(await res.arrayBuffer());
  } catch (error) {
    throw new TransportError(`${options.method} ${url.href}: the connection broke while reading the answer`, {
      retryable: true,
      cause: error,
      url: url.href,
    });
  }
  const contentType = res.headers.get('content-type') ?? '';
  const response: NodeResponse = {
    status: res.status,
    body,
    contentType,
    headers: Object.fromEntries(res.headers.entries()),
    nonce: headers[SIGNATURE_HEADERS.nonce] ?? '',
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
  if (res.status >= 400) {
    let code: string | undefined;
    let message = body.toString('utf8').slice(0, 500);
    try {
      const e = response.json<{ error?: { code?: string; message?: string } }>().error;
      code = e?.code;
      message = e?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw new TransportError(`${options.method} ${url.href}: ${res.status} ${code ?? ''}: ${message}`, {
      status: res.status,
      retryable: res.status >= 500 || res.status === 429,
      ...(code ? { code } : {}),
      url: url.href,
    });
  }
  return response;
}

/**
 * Runs `fn` until it succeeds, a final error is thrown, or `attempts` tries are used; waits `backoffMs`,
 * doubling up to 10 s (with jitter), between retryable failures.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: {
    attempts: number;
    backoffMs: number;
    logger?: Logger | undefined;
    what: string;
    signal?: AbortSignal | undefined;
  },
): Promise<T> {
  let delay = options.backoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const retryable = error instanceof TransportError && error.retryable;
      if (!retryable || attempt >= options.attempts || options.signal?.aborted) throw error;
      options.logger?.warn(
        `${options.what}: ${(error as Error).message}; retry ${attempt}/${options.attempts - 1} in ${delay} ms`,
      );
      await new Promise((r) => setTimeout(r, delay * (0.75 + Math.random() * 0.5)));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
