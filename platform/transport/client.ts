import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { TransportError } from '../errors.ts';
import { answerProblem } from './answers.ts';
import type { NodeKeys } from './node-keys.ts';
import { SIGNATURE_HEADERS, signRequest, sm3 } from './signing.ts';

/** TLS material a node uses to reach another (PEM text or bytes). */
export interface ClientTls {
  /** CAs (or the other node's pinned self-signed certificate) its certificate must chain to. */
  readonly ca?: string | Buffer | undefined;
  /** This node's certificate and key, for mutual TLS. */
  readonly cert?: string | Buffer | undefined;
  readonly key?: string | Buffer | undefined;
}

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

/** Options of `signedRequest`. */
export interface SignedRequestOptions {
  baseUrl: string;
  node: string;
  keys: Pick<NodeKeys, 'privateKey'>;
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
  /** Send this file as the body (streamed, not read into memory). */
  bodyFile?: string;
  /** The SM3 of the body, when the caller computed it already. */
  bodyHash?: string;
  contentType?: string;
  timeoutMs?: number;
  /**
   * The node expected to answer and its configured public key: the answer must be signed by it over this
   * request's id, the status and the body, or the call fails with a retryable, unverified TransportError.
   */
  answerFrom?: { readonly id: string; readonly publicKey: KeyObject };
  /** Write a successful answer's body to this file (hashed on the way) instead of memory. */
  saveTo?: string;
  /** Largest answer body accepted; defaults to 64 MiB in memory, 4 GiB to a file. */
  maxAnswerBytes?: number;
  tls?: ClientTls;
}

const agents = new Map<string, http.Agent>();
/** A keep-alive agent per base URL and TLS material. */
function agentFor(url: URL, tls: ClientTls | undefined): http.Agent {
  const secure = url.protocol === 'https:';
  const id = `${url.origin}|${secure && tls ? sm3(`${tls.ca ?? ''}|${tls.cert ?? ''}`) : ''}`;
  let agent = agents.get(id);
  if (!agent) {
    agent = secure
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 4,
          ...(tls?.ca ? { ca: tls.ca } : {}),
          ...(tls?.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
        })
      : new http.Agent({ keepAlive: true, maxSockets: 4 });
    agents.set(id, agent);
  }
  return agent;
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
  const path = `${url.pathname}${url.search}`;
  const what = `${options.method} ${url.origin}${url.pathname}`;
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
  const requestId = headers[SIGNATURE_HEADERS.nonce]!;
  if (hasBody) {
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
    headers['content-length'] = String(
      options.bodyFile ? statSync(options.bodyFile).size : options.body!.byteLength,
    );
  }
  const client = url.protocol === 'https:' ? https : http;
  const maxBytes = options.maxAnswerBytes ?? (options.saveTo ? 4 * 1024 ** 3 : 64 * 1024 * 1024);
  const answer = await new Promise<{
    status: number;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
    hash: string;
  }>((resolve, reject) => {
    const fail = (error: unknown, text: string) =>
      reject(
        error instanceof TransportError
          ? error
          : new TransportError(`${what}: ${text}`, { retryable: true, cause: error, url: url.href }),
      );
    const req = client.request(
      url,
      { method: options.method, headers, agent: agentFor(url, options.tls) },
      (res) => {
        const h = createHash('sm3');
        const parts: Buffer[] = [];
        let bytes = 0;
        // Only a successful answer goes to `saveTo`; an error's JSON stays in memory.
        const out =
          options.saveTo && (res.statusCode ?? 0) < 400 ? createWriteStream(options.saveTo) : undefined;
        res.on('data', (d: Buffer) => {
          bytes += d.byteLength;
          if (bytes > maxBytes) {
            res.destroy(
              new TransportError(`${what}: the answer is larger than ${maxBytes} bytes`, {
                retryable: false,
                url: url.href,
              }),
            );
            return;
          }
          h.update(d);
          if (out) {
            if (!out.write(d)) {
              res.pause();
              out.once('drain', () => res.resume());
            }
          } else parts.push(d);
        });
        res.on('error', (e) => {
          out?.destroy();
          fail(e, `the connection broke while reading the answer (${(e as Error).message})`);
        });
        res.on('end', () => {
          const done = () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(parts),
              hash: h.digest('hex'),
            });
          if (out) out.end(done);
          else done();
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 120_000, () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs ?? 120_000} ms`)),
    );
    req.on('error', (e) => {
      const code = (e as { code?: string }).code;
      fail(e, `${code ?? (e as Error).name}: ${(e as Error).message}`);
    });
    if (options.bodyFile) {
      const stream: Readable = createReadStream(options.bodyFile);
      stream.on('error', (e) => req.destroy(e));
      stream.pipe(req);
    } else req.end(options.body);
  }).catch((error: unknown) => {
    if (options.saveTo) rmSync(options.saveTo, { force: true });
    throw error;
  });
  const header = (name: string) => {
    const v = answer.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const contentType = header('content-type') ?? '';
  const parse = <T>() => JSON.parse(answer.body.toString('utf8')) as T;
  let verified = false;
  if (options.answerFrom) {
    const problem = answerProblem({
      node: options.answerFrom.id,
      publicKey: options.answerFrom.publicKey,
      requestId,
      status: answer.status,
      bodyHash: answer.hash,
      header,
    });
    if (problem) {
      if (options.saveTo) rmSync(options.saveTo, { force: true });
      throw new TransportError(
        `${what}: answer ${answer.status} cannot be verified (${problem}); it was ignored and nothing was recorded from it. Check the network path to node ${options.answerFrom.id} and its configured publicKey`,
        { status: answer.status, retryable: true, code: 'unverified-answer', url: url.href },
      );
    }
    verified = true;
  }
  if (answer.status >= 400) {
    if (options.saveTo) rmSync(options.saveTo, { force: true });
    let code: string | undefined;
    let message = answer.body.toString('utf8').slice(0, 500);
    try {
      const e = parse<{ error?: { code?: string; message?: string } }>().error;
      code = e?.code;
      message = e?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw new TransportError(`${what}: ${answer.status} ${code ?? ''}: ${message}`, {
      status: answer.status,
      retryable: answer.status >= 500 || answer.status === 429,
      ...(code ? { code } : {}),
      url: url.href,
      verified,
    });
  }
  return {
    status: answer.status,
    body: answer.body,
    contentType,
    contentHash: answer.hash,
    verified,
    ...(options.saveTo ? { file: options.saveTo } : {}),
    headers: Object.fromEntries(
      Object.entries(answer.headers).flatMap(([k, v]) =>
        v === undefined ? [] : [[k, Array.isArray(v) ? (v[0] ?? '') : String(v)]],
      ),
    ),
    nonce: requestId,
    json: parse,
  };
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
