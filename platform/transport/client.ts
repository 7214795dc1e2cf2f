import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { Logger } from 'pino';
import { TransportError } from '../errors.ts';
import { answerHeader, throwIfRefused, verifyAnswer } from './client-answer.ts';
import { exchange } from './client-exchange.ts';
import type { SignedRequestOptions } from './client-options.ts';
import { SIGNATURE_HEADERS, signRequest, sm3 } from './signing.ts';

export type { ClientTls, SignedRequestOptions } from './client-options.ts';

/** An answer from another node. */
export interface NodeResponse {
  readonly status: number;
  /** The body (empty when it was written to `saveTo`). */
  readonly body: Buffer;
  readonly contentType: string;
  /** The answer's headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** The nonce the request was signed with (an answer signature can bind to it). */
  readonly nonce: string;
  /** SM3 of the body as received. */
  readonly contentHash: string;
  /** Whether the answer's signature was checked and is valid (`answerFrom` given). */
  readonly verified: boolean;
  /** The file holding the body, when `saveTo` was given. */
  readonly file?: string;
  json<T = unknown>(): T;
}

/** SM3 of a file, read as a stream. */
export async function fileSm3(file: string): Promise<string> {
  const h = createHash('sm3');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Sends one signed request to another node (no retries) over http or https, and checks the answer's signature
 * when `answerFrom` is given. Network failures and unverifiable answers become retryable TransportErrors; a
 * verified 4xx a final one (429 and 5xx retryable).
 */
export async function signedRequest(options: SignedRequestOptions): Promise<NodeResponse> {
  const url = new URL(options.path, options.baseUrl);
  const what = `${options.method} ${url.origin}${url.pathname}`;
  const headers = await requestHeaders(options, url);
  const requestId = headers[SIGNATURE_HEADERS.nonce]!;
  const answer = await exchange(options, url, what, headers);
  const verified = verifyAnswer(options, answer, requestId, what, url);
  throwIfRefused(options, answer, what, url, verified);
  return {
    status: answer.status,
    body: answer.body,
    contentType: answerHeader(answer)('content-type') ?? '',
    contentHash: answer.hash,
    verified,
    ...(options.saveTo ? { file: options.saveTo } : {}),
    headers: Object.fromEntries(
      Object.entries(answer.headers).flatMap(([k, v]) =>
        v === undefined ? [] : [[k, Array.isArray(v) ? (v[0] ?? '') : String(v)]],
      ),
    ),
    nonce: requestId,
    json: <T>() => JSON.parse(answer.body.toString('utf8')) as T,
  };
}

/** The request's signature headers (over the method, path and body SM3), and its content type and length. */
async function requestHeaders(options: SignedRequestOptions, url: URL): Promise<Record<string, string>> {
  const path = `${url.pathname}${url.search}`;
  const hasBody = options.body !== undefined || options.bodyFile !== undefined;
  const bodyHash =
    options.bodyHash ??
    (options.bodyFile ? await fileSm3(options.bodyFile) : sm3(options.body ?? Buffer.alloc(0)));
  const headers: Record<string, string> = signRequest({
    node: options.node,
    privateKey: options.keys.privateKey,
    method: options.method,
    path,
    bodyHash,
  });
  if (hasBody) {
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
    headers['content-length'] = String(
      options.bodyFile ? statSync(options.bodyFile).size : options.body!.byteLength,
    );
  }
  return headers;
}

/**
 * Runs `fn` until it succeeds, a final error is thrown, or `attempts` tries are used; waits `backoffMs`,
 * doubling up to `maxBackoffMs` (10 s by default, with jitter), between retryable failures.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: {
    attempts: number;
    backoffMs: number;
    maxBackoffMs?: number;
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
      delay = Math.min(delay * 2, options.maxBackoffMs ?? 10_000);
    }
  }
}
