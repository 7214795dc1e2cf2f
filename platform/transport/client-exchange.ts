import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { TransportError } from '../errors.ts';
import { agentFor } from './client-agents.ts';
import type { SignedRequestOptions } from './client-options.ts';

/** An answer as received: status, headers, body (empty when written to `saveTo`) and the body's SM3. */
export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  hash: string;
}

/**
 * Sends the request with its signed headers and reads the answer, hashing it on the way (a successful one to
 * `saveTo`, if given, which is deleted when the exchange fails). Network failures are retryable TransportErrors.
 */
export async function exchange(
  options: SignedRequestOptions,
  url: URL,
  what: string,
  headers: Record<string, string>,
): Promise<RawAnswer> {
  const client = url.protocol === 'https:' ? https : http;
  const maxBytes = options.maxAnswerBytes ?? (options.saveTo ? 4 * 1024 ** 3 : 64 * 1024 * 1024);
  return new Promise<RawAnswer>((resolve, reject) => {
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
        const declared = Number(res.headers['content-length']);
        const total = Number.isFinite(declared) && declared > 0 ? declared : undefined;
        const onBytes = (res.statusCode ?? 0) < 400 ? options.onAnswerBytes : undefined;
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
          onBytes?.(bytes, total);
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
      const onBytes = options.onBodyBytes;
      if (onBytes) {
        let sent = 0;
        stream.on('data', (d) => {
          sent += (d as Buffer).byteLength;
          onBytes(sent);
        });
      }
      stream.pipe(req);
    } else req.end(options.body);
  }).catch((error: unknown) => {
    if (options.saveTo) rmSync(options.saveTo, { force: true });
    throw error;
  });
}
